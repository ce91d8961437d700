/** Idempotency-Key (DESIGN §6): replay the first response, refuse a reused key, survive races. */
import { describe, expect, it } from 'vitest';
import type { FastifyRequest } from 'fastify';
import { idempotencyKeyFrom, withIdempotency } from '../src/http/idempotency.js';
import { createTestBusiness, testDatabases } from './support/index.js';
import { useServerSuite } from './support/server-suite.js';
import { isPaymeError } from '@payme/shared';

for (const target of testDatabases()) {
  describe(`idempotency keys (${target.name})`, () => {
    const t = useServerSuite(target);

    /** A "money" effect: one row per run, so double runs are visible. */
    async function pay(businessId: string, key: string, body: { amount_cents: number }) {
      return t.db.transaction((tx) =>
        withIdempotency(tx, businessId, key, body, async () => {
          await tx.query(`INSERT INTO settings (business_id, key, value, updated_at) VALUES ($1, $2, $3, now())`, [businessId, `pay-${key}-${Math.random()}`, JSON.stringify(body)]);
          return { statusCode: 201, body: { paid_cents: body.amount_cents } };
        }, { scope: 'test.pay', clock: t.clock }),
      );
    }
    const runs = async (businessId: string, key: string) =>
      (await t.db.query('SELECT 1 FROM settings WHERE business_id = $1 AND key LIKE $2', [businessId, `pay-${key}-%`])).length;

    it('the same key and body replays the first response and runs once', async () => {
      const { business_id } = await createTestBusiness(t.deps);
      const first = await pay(business_id, 'k1', { amount_cents: 5_000 });
      const second = await pay(business_id, 'k1', { amount_cents: 5_000 });
      expect(first).toEqual({ statusCode: 201, body: { paid_cents: 5_000 }, replayed: false });
      expect(second).toEqual({ statusCode: 201, body: { paid_cents: 5_000 }, replayed: true });
      expect(await runs(business_id, 'k1')).toBe(1);
    });

    it('the same key with another body is 409 idempotency_key_reused and runs nothing', async () => {
      const { business_id } = await createTestBusiness(t.deps);
      await pay(business_id, 'k2', { amount_cents: 5_000 });
      const reused = await pay(business_id, 'k2', { amount_cents: 6_000 }).catch((error: unknown) => error);
      expect(isPaymeError(reused) && reused.toBody()).toMatchObject({ code: 'idempotency_key_reused', field: 'Idempotency-Key' });
      expect((reused as { statusCode: number }).statusCode).toBe(409);
      expect(await runs(business_id, 'k2')).toBe(1);
    });

    it('keys are per business', async () => {
      const a = await createTestBusiness(t.deps);
      const b = await createTestBusiness(t.deps);
      await pay(a.business_id, 'shared-key', { amount_cents: 100 });
      const other = await pay(b.business_id, 'shared-key', { amount_cents: 200 });
      expect(other.replayed).toBe(false);
      expect(other.body).toEqual({ paid_cents: 200 });
    });

    it('a failed request stores no key, so its retry runs', async () => {
      const { business_id } = await createTestBusiness(t.deps);
      await expect(
        t.db.transaction((tx) => withIdempotency(tx, business_id, 'k3', { amount_cents: 1 }, async () => Promise.reject(new Error('provider down')))),
      ).rejects.toThrow('provider down');
      const retry = await pay(business_id, 'k3', { amount_cents: 1 });
      expect(retry.replayed).toBe(false);
      expect(await runs(business_id, 'k3')).toBe(1);
    });

    it('twenty concurrent requests with one key run once and all get the same answer', async () => {
      const { business_id } = await createTestBusiness(t.deps);
      const results = await Promise.all(Array.from({ length: 20 }, () => pay(business_id, 'k4', { amount_cents: 777 })));
      expect(results.filter((r) => !r.replayed)).toHaveLength(1);
      for (const result of results) expect(result.body).toEqual({ paid_cents: 777 });
      expect(await runs(business_id, 'k4')).toBe(1);
    });
  });
}

describe('Idempotency-Key header', () => {
  const request = (value: unknown) => ({ headers: value === undefined ? {} : { 'idempotency-key': value } }) as unknown as FastifyRequest;
  it('is required when asked for, and must be short printable text', () => {
    expect(idempotencyKeyFrom(request('0190a000-aaaa-7000-8000-000000000000'))).toBe('0190a000-aaaa-7000-8000-000000000000');
    expect(idempotencyKeyFrom(request(undefined), false)).toBeNull();
    expect(() => idempotencyKeyFrom(request(undefined))).toThrow(/Idempotency-Key/);
    expect(() => idempotencyKeyFrom(request('has space'))).toThrow(/printable/);
    expect(() => idempotencyKeyFrom(request('x'.repeat(201)))).toThrow(/printable/);
  });
});
