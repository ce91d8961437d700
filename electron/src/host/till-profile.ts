/**
 * The till's profile for the login screen and receipts (the till API's `tillProfile`): the
 * shop's and till's names, who may log in, and whether the till is enrolled at all (no: the
 * first-run screen).
 */
import type { StaffRecord, TillProfileRecord } from '@payme/shared';
import type { TillDevice } from './device-file.js';
import type { ReceiptSettings } from '../ledger/settings.js';

/** What receipts need besides the names: the synced settings and this till's paper width. */
export type ReceiptProfile = ReceiptSettings & { paper_mm?: 58 | 80 };

/** `serverUrlHint`: the address the host was started with, to prefill the first-run screen. */
export function tillProfile(device: TillDevice | null, staff: StaffRecord[], serverUrlHint?: string, receipt: ReceiptProfile = {}): TillProfileRecord {
  if (device === null) return { enrolled: false, shop_name: 'PayMe', till_label: 'Not enrolled', staff: [], ...(serverUrlHint === undefined ? {} : { server_url: serverUrlHint }) };
  const { name, receipt_prefix } = device.enrollment;
  const label = name === undefined ? receipt_prefix : `${name} (${receipt_prefix})`;
  return { enrolled: true, shop_name: device.shop_name, till_label: label.slice(0, 40), staff, server_url: device.server_url, ...receipt };
}
