/** The pages in the menu, in the order an owner asks their questions (UX owner 1–6). */
import type { Role } from '@payme/shared';
import type { Messages } from '../i18n/i18n.js';

export interface NavItem {
  to: string;
  page: keyof Messages['page'];
  /** DESIGN §12: managers see no settings and no staff. */
  owner_only?: boolean;
}

export const nav_items: readonly NavItem[] = [
  { to: '/', page: 'today' },
  { to: '/sales', page: 'sales' },
  { to: '/stock', page: 'stock' },
  { to: '/credit', page: 'credit' },
  { to: '/mpesa', page: 'mpesa' },
  { to: '/tills', page: 'tills' },
  { to: '/catalog', page: 'catalog' },
  { to: '/customers', page: 'customers' },
  { to: '/staff', page: 'staff', owner_only: true },
  { to: '/settings', page: 'settings', owner_only: true },
  { to: '/audit', page: 'audit', owner_only: true },
];

export function navFor(role: Role): readonly NavItem[] {
  return nav_items.filter((item) => role === 'owner' || item.owner_only !== true);
}
