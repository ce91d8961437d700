/** TEST FIXTURES: a business, its owner and manager sessions, as the server answers them. */
import type { SessionResponse } from '@payme/shared';

export const business_id = '0190a000-0000-7000-8000-000000000001';

export function sessionOf(role: 'owner' | 'manager' = 'owner', overrides: Partial<SessionResponse> = {}): SessionResponse {
  return {
    business_id,
    business: { id: business_id, name: 'Duka la Mfano', currency: 'KES', time_zone: 'Africa/Nairobi', business_day_cutoff: '00:00' },
    staff: role === 'owner' ? { id: '0190a000-0000-7000-8000-00000000000a', name: 'Wanjiku Kamau', role } : { id: '0190a000-0000-7000-8000-00000000000b', name: 'Otieno Ouma', role },
    csrf_token: 'csrf-token-for-tests',
    expires_at: '2026-11-26T18:00:00.000Z',
    feed_cursor: '41',
    ...overrides,
  };
}
