/** The owner API: catalog, staff and PINs, customers and credit limits, settings, stores. */
import type { FastifyInstance } from 'fastify';
import type { ServerDeps } from '../deps.js';
import { registerProductRoutes } from './products.js';
import { registerProductImportRoute } from './product-import.js';
import { registerStaffRoutes } from './staff.js';
import { registerCustomerRoutes } from './customers.js';
import { registerSettingRoutes } from './settings.js';
import { registerStoreRoutes } from './stores.js';
import { registerTillRoutes } from './tills.js';

export async function registerOwnerRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  await registerProductRoutes(app, deps);
  await registerProductImportRoute(app, deps);
  await registerStaffRoutes(app, deps);
  await registerCustomerRoutes(app, deps);
  await registerSettingRoutes(app, deps);
  await registerStoreRoutes(app, deps);
  await registerTillRoutes(app, deps);
}
