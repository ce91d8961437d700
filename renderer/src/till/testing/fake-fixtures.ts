/**
 * TEST DOUBLE data: a small shop for the in-memory fake till (fake-transport.ts). Not used by
 * the app; ids are fixed so tests can name them.
 */
import type { CustomerRecord, ProductRecord, StaffRecord } from '@payme/shared';
import type { TillProfile } from '../app-context.js';

export const ids = {
  cashier: '0190a000-0000-7000-8000-000000000001',
  manager: '0190a000-0000-7000-8000-000000000002',
  soap: '0190a000-0000-7000-8000-000000000101',
  milk: '0190a000-0000-7000-8000-000000000102',
  sugar: '0190a000-0000-7000-8000-000000000103',
  bread: '0190a000-0000-7000-8000-000000000104',
  wanjiku: '0190a000-0000-7000-8000-000000000201',
} as const;

export const fake_staff: (StaffRecord & { pin: string })[] = [
  { staff_id: ids.cashier, name: 'Amina Cashier', role: 'cashier', pin: '1234' },
  { staff_id: ids.manager, name: 'Otieno Manager', role: 'manager', pin: '9876' },
];

export const fake_products: ProductRecord[] = [
  // KSh 55.00 a bar, 16 % VAT.
  { product_id: ids.soap, name: 'Sunlight Soap 175g', barcode: '6001087011111', unit: 'piece', unit_price: 5_500, vat_class: 'standard', stock_policy: 'allow_with_override', on_hand: 40 },
  // KSh 62.50 a packet, zero-rated.
  { product_id: ids.milk, name: 'Brookside Milk 500ml', barcode: '6161100422222', unit: 'piece', unit_price: 6_250, vat_class: 'zero_rated', stock_policy: 'block', on_hand: 24 },
  // KSh 180.00 per kg, sold loose; weighed at the scale as item 00123 (catalog code 20 00123 00000 8).
  { product_id: ids.sugar, name: 'Sugar (loose)', sku: 'SUGAR-KG', barcode: '2000123000008', unit: 'gram', unit_price: 18_000, vat_class: 'standard', stock_policy: 'allow_with_override', on_hand: 50_000 },
  { product_id: ids.bread, name: 'Festive Bread 400g', barcode: '6164000133333', unit: 'piece', unit_price: 6_500, vat_class: 'exempt', stock_policy: 'block', on_hand: 10 },
];

export const fake_customers: CustomerRecord[] = [
  { customer_id: ids.wanjiku, name: 'Mama Wanjiku', phone: '254712345678', credit_limit: 500_000, balance: 420_000 },
];

export const test_profile: TillProfile = {
  enrolled: true,
  shop_name: 'Duka la Mama',
  kra_pin: 'P051234567Z',
  till_label: 'Till 1',
  mpesa_till_number: '123456',
  staff: fake_staff.map(({ staff_id, name, role }) => ({ staff_id, name, role })),
};
