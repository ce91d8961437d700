/**
 * `/metrics` (DESIGN §13, issue 15): the token rule (a direct loopback request needs no token, a
 * request through the proxy always does, a wrong token is refused) and the named metrics: each
 * appears and moves when what it counts happens.
 */
import { describe, expect, it } from 'vitest';
import { testDatabases, deviceAuth } from './support/index.js';
import { useMpesaKit } from '../src/mpesa/testing/mpesa-kit-suite.js';
import type { MpesaKit } from '../src/mpesa/testing/mpesa-test-kit.js';
import { TillEvents, pushBody } from './ingest-event-builder.js';

const token = 'metrics-token-for-the-test-0123456789';

/** `name{labels}` → value, from the Prometheus text format. */
function parse(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}

async function scrape(k: MpesaKit): Promise<Map<string, number>> {
  const response = await fetch(`${k.base_url}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(await response.text());
}

function blockEventLoop(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

for (const target of testDatabases()) {
  describe(`metrics (${target.name})`, () => {
    const suite = useMpesaKit(target);

    it('a direct loopback request needs no token; through the proxy, or with a wrong token, it is refused; the token opens it from anywhere', async () => {
      const k = await suite.start({ config: { metrics_token: token } });
      expect((await fetch(`${k.base_url}/metrics`)).status).toBe(200);
      const proxied = await fetch(`${k.base_url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
      expect(proxied.status).toBe(401);
      expect(await proxied.json()).toMatchObject({ code: 'unauthenticated' });
      const forwarded = await fetch(`${k.base_url}/metrics`, { headers: { forwarded: 'for=203.0.113.7;proto=https' } });
      expect(forwarded.status).toBe(401);
      const wrong = await fetch(`${k.base_url}/metrics`, { headers: { authorization: `Bearer ${token}x` } });
      expect(wrong.status).toBe(401);
      expect(await wrong.json()).toMatchObject({ code: 'invalid_token' });
      const proxiedWithToken = await fetch(`${k.base_url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.7', authorization: `Bearer ${token}` } });
      expect(proxiedWithToken.status).toBe(200);
      expect(await proxiedWithToken.text()).toMatch(/^# HELP payme_/m);
      // Another machine, no proxy header: the socket's peer decides, not a header.
      const remote = await k.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '198.51.100.4' });
      expect(remote.statusCode).toBe(401);
      expect((await k.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '198.51.100.4', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
      // With no token configured nothing but loopback is served, and the refusal says how to open it.
      const tokenless = await suite.start();
      const refused = await fetch(`${tokenless.base_url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.7' } });
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { message: string }).message).toMatch(/PAYME_METRICS_TOKEN/);
      expect((await fetch(`${tokenless.base_url}/metrics`, { headers: { authorization: 'Bearer anything-at-all' } })).status).toBe(401);
    });

    it('push latency, sync lag per till, quarantined events, pending payments, callback latency, audit chain length and event-loop delay appear and move', async () => {
      const k = await suite.start();
      const business = k.business;
      const till = new TillEvents(business.till.id, business.cashier.id, 7, business.till.receipt_prefix);
      const labels = `business_id="${business.business_id}",till_id="${business.till.id}"`;
      const chain = `payme_audit_chain_length{business_id="${business.business_id}"}`;
      const quarantined = `payme_quarantined_events{business_id="${business.business_id}"}`;
      const auditSeq = async () => (await suite.db.query<{ audit_seq: number }>('SELECT audit_seq FROM businesses WHERE id = $1', [business.business_id]))[0]!.audit_seq;

      const before = await scrape(k);
      expect(before.get('payme_push_duration_seconds_count{status="200"}') ?? 0).toBe(0);
      expect(before.get(chain)).toBe(await auditSeq());
      expect(before.get(quarantined)).toBeUndefined();
      expect(before.get(`payme_till_sync_lag_seconds{${labels}}`)).toBe(0);

      const pushed = await k.app.inject({
        method: 'POST',
        url: '/v1/sync/push',
        headers: deviceAuth(business),
        payload: { ...pushBody(business.till.id, [till.sale([[business.products[0]!, 2]]), till.event('sale_completed', { sale_id: 'not-a-uuid' })]), outbox_depth: 4 },
      });
      expect(pushed.statusCode, pushed.body).toBe(200);
      k.clock.advance(90_000);
      const afterPush = await scrape(k);
      expect(afterPush.get('payme_push_duration_seconds_count{status="200"}')).toBe(1);
      expect(afterPush.get('payme_push_duration_seconds_sum{status="200"}')).toBeGreaterThan(0);
      expect(afterPush.get(quarantined)).toBe(1);
      expect(afterPush.get(`payme_till_sync_lag_seconds{${labels}}`)).toBe(90);
      // The till had 4 waiting and sent 2 of them.
      expect(afterPush.get(`payme_till_outbox_depth{${labels}}`)).toBe(2);
      expect(afterPush.get(chain)).toBe(await auditSeq());
      expect(afterPush.get(chain)).toBeGreaterThan(before.get(chain)!);

      const requested = before.get('payme_mpesa_payments_pending{state="requested"}')!;
      const stk = await k.requestStk({ phone: '254708374149', amount: 100 });
      expect(stk.status).toBe(201);
      const paying = await scrape(k);
      expect(paying.get('payme_mpesa_payments_pending{state="requested"}')).toBe(requested + 1);
      await k.settle();
      const paid = await scrape(k);
      expect(paid.get('payme_mpesa_payments_pending{state="requested"}')).toBe(requested);
      const callbacks = [...paid].filter(([key]) => key.startsWith('payme_mpesa_callback_duration_seconds_count{'));
      expect(callbacks.length, 'a callback was timed').toBeGreaterThan(0);
      expect(callbacks.some(([key, count]) => key.includes('status="200"') && count >= 1)).toBe(true);
      expect(paid.get('payme_mpesa_callbacks_unprocessed')).toBe(0);

      const loopCount = paid.get('payme_event_loop_delay_seconds_count')!;
      expect(loopCount).toBeGreaterThan(0);
      const stalls = (m: Map<string, number>) => m.get('payme_event_loop_delay_seconds_count')! - m.get('payme_event_loop_delay_seconds_bucket{le="0.1"}')!;
      // The sampler's timer is due every 100 ms, so a 250 ms stall makes it at least 150 ms late.
      blockEventLoop(250);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const delayed = await scrape(k);
      expect(delayed.get('payme_event_loop_delay_seconds_count')).toBeGreaterThan(loopCount);
      expect(stalls(delayed), 'the stall is a sample over 100 ms').toBeGreaterThan(stalls(paid));
      expect(delayed.get('payme_event_loop_delay_seconds_sum')! - paid.get('payme_event_loop_delay_seconds_sum')!).toBeGreaterThanOrEqual(0.1);
    });
  });
}
