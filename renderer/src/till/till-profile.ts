/**
 * The till's profile (shop name, KRA PIN, till label, M-Pesa till number, who can log in). The
 * till API has no method for it yet, so the host provides it: the Electron preload as
 * `window.payme.profile()`, the browser host as `GET ./till-profile.json`. Until a host does,
 * the app starts with an empty staff list and says so on the login screen.
 */
import { z } from 'zod';
import { staffRecord } from '@payme/shared';
import type { TillProfile } from './app-context.js';

export const tillProfileSchema = z.object({
  shop_name: z.string().min(1).max(120),
  kra_pin: z.string().max(20).optional(),
  till_label: z.string().min(1).max(40),
  mpesa_till_number: z.string().max(20).optional(),
  staff: z.array(staffRecord).max(500),
});

const unknown_profile: TillProfile = { shop_name: 'PayMe', till_label: 'Till', staff: [] };

export async function loadTillProfile(win: Window, kind: 'ipc' | 'http'): Promise<TillProfile> {
  try {
    const raw = kind === 'ipc' ? await win.payme?.profile?.() : await (await fetch('./till-profile.json')).json();
    const parsed = tillProfileSchema.safeParse(raw);
    return parsed.success ? parsed.data : unknown_profile;
  } catch {
    return unknown_profile;
  }
}
