/** The Settings page's calls: the business's settings, and the M-Pesa account (secrets masked). */
import { z } from 'zod';
import { mpesaAccountMaskedSchema, settingsResponseSchema, type MpesaAccountInput, type SettingKey } from '@payme/shared';
import { isOwnerApiError, type OwnerHttp } from '../../api/owner-http.js';

export function settingsApi(http: OwnerHttp) {
  return {
    read: () => http.get('/v1/settings', settingsResponseSchema),
    change: (settings: Partial<Record<SettingKey, unknown>>) => http.send('PATCH', '/v1/settings', { settings }, z.looseObject({ settings: z.record(z.string(), z.unknown()) })),
    /** null: the business has no M-Pesa account yet (the server's 404). */
    mpesaAccount: async () => {
      try {
        return await http.get('/v1/mpesa/account', mpesaAccountMaskedSchema);
      } catch (error) {
        if (isOwnerApiError(error) && error.status === 404) return null;
        throw error;
      }
    },
    saveMpesaAccount: (body: MpesaAccountInput) => http.send('PUT', '/v1/mpesa/account', body, mpesaAccountMaskedSchema),
  };
}

export const settings_keys = { settings: ['settings', 'values'] as const, mpesa: ['settings', 'mpesa'] as const };
