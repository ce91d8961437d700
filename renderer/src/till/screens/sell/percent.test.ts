// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { formatPercentBp, parsePercentBp } from './percent.js';

describe('discount percentages', () => {
  it('reads whole and decimal percentages as basis points and prints them back', () => {
    expect(parsePercentBp('5', 'discount')).toBe(500);
    expect(parsePercentBp('12.5 %', 'discount')).toBe(1_250);
    expect(formatPercentBp(1_250)).toBe('12.5 %');
    expect(formatPercentBp(500)).toBe('5 %');
  });

  it('refuses over 100 % and text, naming the field', () => {
    expect(() => parsePercentBp('101', 'Sale discount')).toThrow('Sale discount: may be at most 100 %');
    expect(() => parsePercentBp('ten', 'Sale discount')).toThrow('Sale discount: type a percentage');
  });
});
