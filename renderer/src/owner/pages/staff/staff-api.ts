/** The Staff page's calls: the list, a new staff member, a PIN, and (de)activation. */
import { staffMemberSchema, staffResponseSchema, type StaffCreateBody } from '@payme/shared';
import type { OwnerHttp } from '../../api/owner-http.js';

export function staffApi(http: OwnerHttp) {
  return {
    list: () => http.get('/v1/staff', staffResponseSchema),
    create: (body: StaffCreateBody) => http.send('POST', '/v1/staff', body, staffMemberSchema),
    setPin: (id: string, pin: string) => http.send('PUT', `/v1/staff/${encodeURIComponent(id)}/pin`, { pin }, staffMemberSchema),
    setActive: (id: string, active: boolean) => http.send('PATCH', `/v1/staff/${encodeURIComponent(id)}`, { active }, staffMemberSchema),
  };
}

/** `staff` is made stale by the live feed's staff changes. */
export const staff_keys = { list: ['staff', 'list'] as const };
