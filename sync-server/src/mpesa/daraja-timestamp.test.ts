import { describe, expect, it } from 'vitest';
import { ManualClock } from '@payme/shared';
import { darajaTimestamp, stkCredentials, stkPassword } from './daraja-timestamp.js';

describe('Daraja timestamp and password', () => {
  it('writes the wall clock of Nairobi (UTC+3), rolling the date over at local midnight', () => {
    // 21:00:05 UTC on 31 Dec is 00:00:05 on 1 Jan in Nairobi.
    expect(darajaTimestamp(Date.UTC(2025, 11, 31, 21, 0, 5))).toBe('20260101000005');
    expect(darajaTimestamp(Date.UTC(2026, 5, 9, 7, 8, 9))).toBe('20260609100809');
  });

  it('follows another business time zone when given one', () => {
    expect(darajaTimestamp(Date.UTC(2026, 5, 9, 7, 8, 9), 'UTC')).toBe('20260609070809');
    expect(darajaTimestamp(Date.UTC(2026, 5, 9, 7, 8, 9), 'Africa/Kampala')).toBe('20260609100809');
  });

  it('makes the password base64(shortcode + passkey + timestamp) from one clock reading', () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 2, 3, 4, 5));
    const { Timestamp, Password } = stkCredentials(clock, '174379', 'passkey', 'Africa/Nairobi');
    expect(Timestamp).toBe('20260102060405');
    expect(Buffer.from(Password, 'base64').toString('utf8')).toBe('174379passkey20260102060405');
    expect(stkPassword('1', 'k', '20260102060405')).toBe(Buffer.from('1k20260102060405').toString('base64'));
  });
});
