/**
 * The owner view's pages by URL (TanStack Router). Deep links work because the server answers
 * every page path with the same index.html (sync-server/src/owner-view/). Signed out, any URL
 * shows the sign-in and, once signed in, the page that was asked for.
 */
import { createRootRoute, createRoute, createRouter, Outlet, type RouterHistory } from '@tanstack/react-router';
import { useT } from './i18n/i18n.js';
import { Shell } from './layout/Shell.js';
import { LoginPage } from './pages/login/LoginPage.js';
import { ChangePasswordPage } from './pages/account/ChangePasswordPage.js';
import { NotFoundPage } from './pages/OwnerOnly.js';
import { TodayPage } from './pages/today/TodayPage.js';
import { CatalogPage } from './pages/catalog/CatalogPage.js';
import { SettingsPage } from './pages/settings/SettingsPage.js';
import { AuditPage } from './pages/audit/AuditPage.js';
import { StaffPage } from './pages/staff/StaffPage.js';
import { CustomersPage } from './pages/customers/CustomersPage.js';
import { useSession } from './state/use-session.js';
import { CreditBookPage } from './pages/credit/CreditBookPage.js';
import { StatementPage } from './pages/credit/StatementPage.js';
import { MpesaPage } from './pages/mpesa/MpesaPage.js';
import { SalesPage } from './pages/sales/SalesPage.js';
import { SaleDetailPage } from './pages/sales/SaleDetailPage.js';
import { StockPage } from './pages/stock/StockPage.js';
import { TillsPage } from './pages/tills/TillsPage.js';

function Root() {
  const t = useT();
  const status = useSession((state) => state.status);
  if (status === 'checking') {
    return (
      <p className="loading" role="status">
        {t.loading}
      </p>
    );
  }
  if (status === 'signed_out') return <LoginPage />;
  return (
    <Shell>
      <Outlet />
    </Shell>
  );
}

const rootRoute = createRootRoute({ component: Root, notFoundComponent: NotFoundPage });

const todayRoute = createRoute({ getParentRoute: () => rootRoute, path: '/', component: TodayPage });
const passwordRoute = createRoute({ getParentRoute: () => rootRoute, path: '/password', component: ChangePasswordPage });

const catalogRoute = createRoute({ getParentRoute: () => rootRoute, path: '/catalog', component: CatalogPage });

const settingsRoute = createRoute({ getParentRoute: () => rootRoute, path: '/settings', component: SettingsPage });
const auditRoute = createRoute({ getParentRoute: () => rootRoute, path: '/audit', component: AuditPage });
const staffRoute = createRoute({ getParentRoute: () => rootRoute, path: '/staff', component: StaffPage });
const customersRoute = createRoute({ getParentRoute: () => rootRoute, path: '/customers', component: CustomersPage });

const creditRoute = createRoute({ getParentRoute: () => rootRoute, path: '/credit', component: CreditBookPage });
const statementRoute = createRoute({ getParentRoute: () => rootRoute, path: '/credit/$customerId', component: StatementPage });
const mpesaRoute = createRoute({ getParentRoute: () => rootRoute, path: '/mpesa', component: MpesaPage });
const salesRoute = createRoute({ getParentRoute: () => rootRoute, path: '/sales', component: SalesPage });
const saleRoute = createRoute({ getParentRoute: () => rootRoute, path: '/sales/$saleId', component: SaleDetailPage });
const stockRoute = createRoute({ getParentRoute: () => rootRoute, path: '/stock', component: StockPage });
const tillsRoute = createRoute({ getParentRoute: () => rootRoute, path: '/tills', component: TillsPage });

const routeTree = rootRoute.addChildren([
  todayRoute,
  passwordRoute,
  catalogRoute,
  settingsRoute,
  auditRoute,
  staffRoute,
  customersRoute,
  // Money and operations pages (reports)
  creditRoute,
  statementRoute,
  mpesaRoute,
  salesRoute,
  saleRoute,
  stockRoute,
  tillsRoute,
]);

export function createOwnerRouter(history?: RouterHistory) {
  return createRouter({ routeTree, ...(history ? { history } : {}), defaultPreload: false, scrollRestoration: true });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createOwnerRouter>;
  }
}
