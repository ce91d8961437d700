/**
 * Integration-test kit: the real server (buildApp + installMpesa) listening on 127.0.0.1, the
 * Daraja simulator calling back to it over HTTP, one business with a Daraja account pointing at
 * the simulator, and helpers to wait until every callback and job has been handled.
 */
import type { FastifyInstance } from 'fastify';
import { ManualClock, SeededRandom, cryptoRandom, uuidv7 } from '@payme/shared';
import type { Db } from '../../db/db.js';
import type { ServerConfigInput } from '../../config.js';
import { buildApp } from '../../app.js';
import { generateSigningKey } from '../../audit/signing-key.js';
import { createTestBusiness, deviceAuth, test_config, type TestBusiness } from '../../../test/support/index.js';
import { generateMasterKey, keyringOf, type Keyring } from '../credentials.js';
import { saveMpesaAccount } from '../mpesa-account.js';
import type { MpesaService } from '../mpesa-service.js';
import { installMpesa } from '../install.js';
import { createDarajaSimulator, type DarajaSimulator } from '../simulator/sim-app.js';

export const kit_store_number = '174379';
export const kit_till_number = '600100';
export const kit_secrets = {
  consumer_key: 'ck-kit-CONSUMERKEY-7731',
  consumer_secret: 'cs-kit-CONSUMERSECRET-99120',
  passkey: 'pk-kit-PASSKEY-bfb279f9aa9bdbcf158e97dd71a467cd',
  initiator_name: 'payme-initiator',
  security_credential: 'SECURITYCREDENTIALkitAAAABBBBCCCC',
};

export interface MpesaKit {
  app: FastifyInstance;
  mpesa: MpesaService;
  sim: DarajaSimulator;
  clock: ManualClock;
  keyring: Keyring;
  business: TestBusiness;
  callback_secret: string;
  base_url: string;
  /** Waits for the simulator's callbacks, then drains the server's queue, until both are quiet. */
  settle(): Promise<void>;
  requestStk(input: { phone: string; amount: number; payment_id?: string; sale_id?: string }): Promise<{ status: number; body: Record<string, unknown>; payment_id: string }>;
  payment(paymentId: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface KitOptions {
  trust_callbacks?: boolean;
  stk_deadline_ms?: number;
  sim_delays?: { callback_ms?: number; late_ms?: number };
  seed?: number;
  /** Server settings beside the test defaults (the metrics test sets a metrics token). */
  config?: ServerConfigInput;
}

export async function startMpesaKit(db: Db, options: KitOptions = {}): Promise<MpesaKit> {
  const clock = new ManualClock(Date.UTC(2026, 10, 26, 6, 0, 0));
  const random = new SeededRandom(options.seed ?? cryptoRandom.int(0, 2 ** 31 - 1));
  const keyring = keyringOf(generateMasterKey(random));
  const sim = createDarajaSimulator({ clock, random: random.fork(), passkeys: { [kit_store_number]: kit_secrets.passkey }, delays: { callback_ms: 5, late_ms: 200, ...options.sim_delays } });
  const simUrl = await sim.app.listen({ port: 0, host: '127.0.0.1' });

  const app = await buildApp({ db, clock, random, config: { ...test_config, signing_key: generateSigningKey(random), ...options.config }, logger: false });
  const mpesa = await installMpesa(app, app.payme.deps, {
    keyring,
    stk_deadline_ms: options.stk_deadline_ms ?? 120_000,
    client: { retries_max: 1, backoff_base_ms: 1, backoff_cap_ms: 2, timeout_ms: 5_000 },
  });
  const base_url = await app.listen({ port: 0, host: '127.0.0.1' });
  const business = await createTestBusiness(app.payme.deps);
  const { callback_secret } = await db.transaction((tx) =>
    saveMpesaAccount(tx, { keyring, random, clock }, business.business_id, {
      base_url: simUrl,
      kind: 'till',
      business_shortcode: kit_store_number,
      till_number: kit_till_number,
      callback_base_url: base_url,
      trust_callbacks: options.trust_callbacks ?? false,
    }, kit_secrets),
  );

  async function settle(): Promise<void> {
    for (let round = 0; round < 20; round += 1) {
      await sim.idle();
      await mpesa.drain();
      await sim.idle();
      const pending = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM mpesa_callbacks WHERE processed_at IS NULL');
      if ((pending[0]?.n ?? 0) === 0) return;
    }
    throw new Error('the M-Pesa queue did not settle');
  }

  return {
    app,
    mpesa,
    sim,
    clock,
    keyring,
    business,
    callback_secret,
    base_url,
    settle,
    async requestStk(input) {
      const paymentId = input.payment_id ?? uuidv7(clock, random);
      const payload: Record<string, unknown> = { payment_id: paymentId, phone: input.phone, amount: input.amount };
      if (input.sale_id) payload.sale_id = input.sale_id;
      const response = await app.inject({ method: 'POST', url: '/v1/payments/mpesa/stk', headers: { ...deviceAuth(business), 'idempotency-key': paymentId }, payload });
      return { status: response.statusCode, body: response.json() as Record<string, unknown>, payment_id: paymentId };
    },
    async payment(paymentId) {
      const response = await app.inject({ method: 'GET', url: `/v1/payments/${paymentId}`, headers: deviceAuth(business) });
      return response.json() as Record<string, unknown>;
    },
    async close() {
      await app.close();
      await sim.app.close();
    },
  };
}
