import { describe, expect, it } from 'vitest';
import { formatPhoneKe } from '../src/phone.js';

describe('formatPhoneKe', () => {
  it('shows a Daraja MSISDN the way Kenyans write it', () => {
    expect(formatPhoneKe('254722111222')).toBe('0722 111 222');
    expect(formatPhoneKe('+254110123456')).toBe('0110 123 456');
    expect(formatPhoneKe('0712345678')).toBe('0712 345 678');
  });
  it('leaves what is not a Kenyan mobile number as it was', () => {
    expect(formatPhoneKe('4412345')).toBe('4412345');
    expect(formatPhoneKe('')).toBe('');
  });
});
