/**
 * First-run enrollment (DESIGN §6, §11): the cashier types the server's address and the owner's
 * one-time code; the host exchanges it at `POST /v1/tills/enroll` for the till's identity and
 * device token, keeps the token in the data folder (0600) and the identity in the ledger.
 */
import { PaymeError, enrollInput, enrollResponseSchema, errorFromWire, isoAt, parseInput, type Clock } from '@payme/shared';
import { z } from 'zod';
import type { Ledger } from '../ledger/ledger.js';
import { readTillDevice, writeTillDevice, type TillDevice } from './device-file.js';

export const enroll_timeout_ms = 15_000;


export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<{
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}>;

export interface EnrollmentDeps {
  ledger: Pick<Ledger, 'identity' | 'setIdentity'>;
  dataDir: string;
  fetch: FetchLike;
  clock: Clock;
}

const businessName = z.looseObject({ business: z.looseObject({ name: z.string().min(1).max(120) }).optional() });

function serverError(body: unknown, status: number): PaymeError {
  return errorFromWire(body, { code: 'enrollment_failed', message: `The server refused the enrollment (HTTP ${status})` });
}

function storeIdentity(ledger: EnrollmentDeps['ledger'], device: TillDevice): void {
  const { till_id, business_id, store_id, receipt_prefix, epoch, server_public_key } = device.enrollment;
  ledger.setIdentity({ till_id, business_id, store_id, receipt_prefix, epoch, server_public_key });
}

/**
 * The token is written before the identity: a crash in between leaves a device file that
 * `resumeEnrollment` completes on the next start, never an identity without its token (which
 * would need a new code from the owner).
 */
export async function enrollTill(deps: EnrollmentDeps, raw: unknown): Promise<{ till_id: string; receipt_prefix: string; shop_name: string }> {
  const input = parseInput(enrollInput, raw);
  if (deps.ledger.identity() !== null || readTillDevice(deps.dataDir) !== null) {
    throw new PaymeError('already_enrolled', 'This till is already enrolled; its data folder holds its identity');
  }
  const url = new URL('/v1/tills/enroll', input.server_url).toString();
  let response: Awaited<ReturnType<FetchLike>>;
  try {
    response = await deps.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: input.code, name: input.name }),
      signal: AbortSignal.timeout(enroll_timeout_ms),
    });
  } catch {
    throw new PaymeError('offline', `Could not reach the server at ${input.server_url}; check the address and the network`, 'server_url');
  }
  const body = await response.json().catch(() => undefined);
  if (!response.ok) throw serverError(body, response.status);
  const enrollment = enrollResponseSchema.safeParse(body);
  if (!enrollment.success) throw new PaymeError('enrollment_failed', 'The server answered the enrollment with something this till does not understand', 'server_url');
  const shop_name = businessName.safeParse(body).data?.business?.name ?? input.name;
  const device: TillDevice = { server_url: input.server_url, enrollment: enrollment.data, shop_name, enrolled_at: isoAt(deps.clock.now()) };
  writeTillDevice(deps.dataDir, device);
  storeIdentity(deps.ledger, device);
  return { till_id: enrollment.data.till_id, receipt_prefix: enrollment.data.receipt_prefix, shop_name };
}

/** Completes an enrollment a crash interrupted (device file written, identity not yet stored). */
export function resumeEnrollment(deps: Pick<EnrollmentDeps, 'ledger' | 'dataDir'>): TillDevice | null {
  const device = readTillDevice(deps.dataDir);
  if (device !== null && deps.ledger.identity() === null) storeIdentity(deps.ledger, device);
  return device;
}
