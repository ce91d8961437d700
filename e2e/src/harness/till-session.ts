/**
 * A cashier at the till through its API (`POST /rpc/<method>`, what the sell and pay screens
 * call), for scenarios whose subject is what someone else sees of the till's work: the owner
 * view. The till keeps one session: `signIn` here is the cashier's sign-in at that till.
 */
import type { ProductRecord, TillInput, TillOutput } from '@payme/shared';
import { tillRpc } from './till-rpc.js';

type Tender = TillInput<'completeSale'>['tenders'][number];

export type Product = ProductRecord & { barcode: string };

export interface TillSession {
  signIn(staffId: string, pin: string): Promise<void>;
  openShift(float: number): Promise<void>;
  closeShift(counted: { tender: 'cash' | 'mpesa' | 'credit'; amount: number }[]): Promise<TillOutput<'closeShift'>>;
  /** A sale of `quantity` of each product, paid by `tenders(total)`; the total is the catalogue price. */
  sell(lines: readonly [Product, number][], tenders: (total: number) => Tender[], customerId?: string): Promise<TillOutput<'completeSale'>>;
  /** The code a customer read off the M-Pesa SMS, typed by the cashier on that sale (the M-Pesa panel's two calls). */
  sellWithTypedCode(product: Product, code: string): Promise<TillOutput<'completeSale'>>;
  customerId(name: string): Promise<string>;
  recordCreditPayment(customerId: string, amount: number): Promise<TillOutput<'recordCreditPayment'>>;
  product(barcode: string): Promise<ProductRecord | null>;
  call: <M extends Parameters<typeof tillRpc>[1]>(method: M, input: TillInput<M>) => Promise<TillOutput<M>>;
}

const id = () => crypto.randomUUID();

export function tillSession(tillUrl: string): TillSession {
  const call = <M extends Parameters<typeof tillRpc>[1]>(method: M, input: TillInput<M>) => tillRpc(tillUrl, method, input);
  const sell: TillSession['sell'] = (lines, tenders, customerId) => {
    const total = lines.reduce((sum, [product, quantity]) => sum + product.unit_price * quantity, 0);
    return call('completeSale', {
      command_id: id(),
      sale_id: id(),
      lines: lines.map(([product, quantity]) => ({ product_id: product.product_id, quantity })),
      tenders: tenders(total),
      ...(customerId === undefined ? {} : { customer_id: customerId }),
    });
  };
  return {
    call,
    async signIn(staffId, pin) {
      await call('login', { staff_id: staffId, pin });
    },
    async openShift(float) {
      await call('openShift', { command_id: id(), shift_id: id(), float });
    },
    closeShift: (counted) => call('closeShift', { command_id: id(), counted }),
    sell,
    async sellWithTypedCode(product, code) {
      const sale = await sell([[product, 1]], (total) => [{ kind: 'mpesa', amount: total, claim_code: code }]);
      await call('recordMpesaClaim', { command_id: id(), claim_id: id(), code, amount: sale.total, sale_id: sale.sale_id });
      return sale;
    },
    async customerId(name) {
      const { customers } = await call('searchCustomers', { query: name, limit: 5 });
      const found = customers.find((customer) => customer.name === name);
      if (found === undefined) throw new Error(`the till has no customer named ${name}`);
      return found.customer_id;
    },
    recordCreditPayment: (customerId, amount) => call('recordCreditPayment', { command_id: id(), entry_id: id(), customer_id: customerId, amount, tender: 'cash' }),
    async product(barcode) {
      return (await call('lookupBarcode', { barcode })).product;
    },
  };
}
