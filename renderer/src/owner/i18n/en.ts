import { manage_en } from './manage-en.js';

/** English words of the owner web view. Swahili (sw.ts) has exactly the same keys (a test checks). */
import { reports_en } from './reports-en.js';

export const en = {
  app_name: 'PayMe — owner',
  loading: 'Loading…',
  retry: 'Try again',
  save: 'Save',
  saving: 'Saving…',
  cancel: 'Cancel',
  close: 'Close',
  language: 'Language',
  language_name: { en: 'English', sw: 'Kiswahili' },
  menu: 'Menu',
  main_nav: 'Pages',
  page: {
    today: 'Today',
    sales: 'Sales',
    stock: 'Stock',
    credit: 'Credit book',
    mpesa: 'M-Pesa',
    tills: 'Tills',
    catalog: 'Catalog',
    staff: 'Staff and PINs',
    customers: 'Customers',
    settings: 'Settings',
    audit: 'Audit',
    password: 'Change password',
  },
  live: { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', closed: 'Not live: reload the page' },
  signed_in_as: (name: string, role: string) => `${name} (${role})`,
  role: { owner: 'owner', manager: 'manager', cashier: 'cashier' },
  log_out: 'Log out',
  logging_out: 'Logging out…',

  login: {
    title: 'Sign in to your shop',
    email: 'Email',
    password: 'Password',
    submit: 'Sign in',
    submitting: 'Signing in…',
    wrong: 'Wrong email or password.',
    several: 'This email belongs to several businesses. Ask PayMe support which business id to use.',
    expired: 'Your session has expired. Sign in again.',
    signed_out: 'You have been signed out. Sign in again.',
    logged_out: 'You have logged out.',
    rate_limited: 'Too many tries. Wait a minute and try again.',
    throttled: (minutes: number) =>
      minutes <= 1 ? 'Too many wrong passwords for this account. Wait a minute and try again.' : `Too many wrong passwords for this account. Wait ${minutes} minutes and try again.`,
  },
  password: {
    title: 'Change your password',
    current: 'Current password',
    next: 'New password',
    repeat: 'New password again',
    mismatch: 'does not match the new password',
    submit: 'Change password',
    done: 'Your password is changed. Other browsers signed in as you have been signed out.',
  },
  owner_only: {
    title: 'This page is for the owner',
    body: 'Managers see the money pages and stock; settings, staff, M-Pesa credentials and till retirement are the owner\'s.',
  },
  not_found: 'There is no such page.',
  field_error: (label: string, message: string) => `${label}: ${message}`,
  error_unexpected: 'Something went wrong. Try again; if it keeps happening, tell PayMe support.',
  error_offline: 'The server could not be reached. Check the internet connection and try again.',
  waiting_for_server: 'This page needs a newer server: its report is not available yet.',
  manage: manage_en,
  reports: reports_en,
};

export type Messages = typeof en;
