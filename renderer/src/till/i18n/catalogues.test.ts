// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { sw } from './sw.js';

/** Every key path, functions and strings alike, so a missing nested word is caught too. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, inner]) => keyPaths(inner, prefix === '' ? key : `${prefix}.${key}`));
}

describe('the message catalogues', () => {
  it('English and Swahili have exactly the same keys', () => {
    expect(keyPaths(sw).sort()).toEqual(keyPaths(en).sort());
  });

  it('no Swahili word is empty, and the UX glossary words are the ones used', () => {
    for (const path of keyPaths(sw)) {
      const word = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], sw);
      if (typeof word === 'string') expect(word.trim(), path).not.toBe('');
    }
    expect([sw.total, sw.change, sw.balance, sw.receipt, sw.tender_kind.cash, sw.credit, sw.stock, sw.shift, sw.customer, sw.product, sw.pay, sw.sell]).toEqual([
      'Jumla', 'Chenji', 'Salio', 'Risiti', 'Pesa taslimu', 'Deni', 'Stoo', 'Zamu', 'Mteja', 'Bidhaa', 'Lipa', 'Uza',
    ]);
    expect(sw.mpesa_paid('NLJ7RT61SV')).toBe('Imelipwa — risiti NLJ7RT61SV');
    expect(sw.mpesa_waiting).toContain('Inasubiri');
  });
});
