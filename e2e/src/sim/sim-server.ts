/**
 * The real sync server in-process for the simulation: one PGlite per run (creating one costs
 * seconds), migrated once; each seed gets a fresh business on it, and its own app built on the
 * seed's clock and random. A "restart" closes the app and builds a new one over the same
 * database, as a process restart would.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '@payme/sync-server/app';
import { openDb, type Db } from '@payme/sync-server/db';
import { migrate } from '@payme/sync-server/migrate';
import { addProducts, addStaff, createBusiness, type SetupDeps } from '@payme/sync-server/setup';
import { createEnrollmentCode } from '@payme/sync-server/enrollment';
import { generateSigningKey, type SigningKey } from '@payme/sync-server/signing-key';
import type { ServerConfig, ServerConfigInput } from '@payme/sync-server/config';
import type { Clock, Random } from '@payme/shared';

/** Cheap PIN hashes (hundreds of businesses) and rate limits the simulation never reaches. */
export const sim_server_config: ServerConfigInput = {
  password_hash_cost: { log2N: 4, r: 1, p: 1 },
  pin_hash_cost: { log2N: 4, r: 1, p: 1 },
  rate_limits: {
    login: { max: 1_000_000, timeWindow: 60_000 },
    enroll: { max: 1_000_000, timeWindow: 60_000 },
    push: { max: 1_000_000, timeWindow: 60_000 },
    payment: { max: 1_000_000, timeWindow: 60_000 },
  },
};

export async function openSimDatabase(): Promise<Db> {
  const db = await openDb({ databaseUrl: '', dataDir: undefined });
  await migrate(db);
  return db;
}

export interface SimProduct {
  id: string;
  unit: 'piece' | 'gram' | 'millilitre';
  price_cents: number;
}

export interface SimBusiness {
  business_id: string;
  store_id: string;
  cashier_id: string;
  manager_id: string;
  products: SimProduct[];
}

export class SimServer {
  app: FastifyInstance | null = null;
  readonly signingKey: SigningKey;
  restarts = 0;

  constructor(
    readonly db: Db,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {
    this.signingKey = generateSigningKey(random);
  }

  async start(): Promise<FastifyInstance> {
    const app = await buildApp({ db: this.db, clock: this.clock, random: this.random, config: { ...sim_server_config, signing_key: this.signingKey }, logger: false });
    await app.ready();
    this.app = app;
    return app;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
    this.restarts += 1;
  }

  async stop(): Promise<void> {
    const app = this.app;
    this.app = null;
    await app?.close();
  }

  private deps(): SetupDeps & { config: ServerConfig } {
    if (this.app === null) throw new Error('the simulated server is not running');
    return (this.app as unknown as { payme: { deps: SetupDeps & { config: ServerConfig } } }).payme.deps;
  }

  /** A business with a cashier, a manager and a small catalog, all stock starting at 0. */
  async createBusiness(tag: string): Promise<SimBusiness> {
    const deps = this.deps();
    return this.db.transaction(async (tx) => {
      const { business_id, store_id } = await createBusiness(tx, deps, { name: `Duka la Simulizi ${tag}`, store_name: 'Main store' });
      await addStaff(tx, deps, business_id, { name: 'Owner', role: 'owner', email: `owner-${tag}@sim.test`, password: `owner-pass-${tag}` });
      const manager_id = await addStaff(tx, deps, business_id, { name: 'Manager', role: 'manager', email: `manager-${tag}@sim.test`, password: `pass-${tag}`, pin: '2468' });
      const cashier_id = await addStaff(tx, deps, business_id, { name: 'Cashier', role: 'cashier', pin: '1357' });
      const catalog = [
        { name: 'Sugar 1kg', price_cents: 17_500, unit: 'piece', vat_class: 'standard', stock_policy: 'block' },
        { name: 'Maize flour 2kg', price_cents: 21_000, unit: 'piece', vat_class: 'zero_rated', stock_policy: 'block' },
        { name: 'Loose rice (per kg)', price_cents: 16_000, unit: 'gram', vat_class: 'exempt', stock_policy: 'block' },
        { name: 'Cooking oil (per litre)', price_cents: 33_000, unit: 'millilitre', vat_class: 'standard', stock_policy: 'block' },
        { name: 'Bread 400g', price_cents: 6_500, unit: 'piece', vat_class: 'exempt', stock_policy: 'block' },
      ] as const;
      const products = await addProducts(
        tx,
        deps,
        business_id,
        catalog.map((product) => ({ ...product, sku: null, barcode: null, cost_cents: null })),
      );
      return { business_id, store_id, cashier_id, manager_id, products: products.map((product) => ({ id: product.id, unit: product.unit, price_cents: product.price_cents })) };
    });
  }

  async enrollmentCode(business: SimBusiness): Promise<string> {
    const deps = this.deps();
    return this.db.transaction(async (tx) => (await createEnrollmentCode(tx, deps, business.business_id, business.store_id, null)).code);
  }
}
