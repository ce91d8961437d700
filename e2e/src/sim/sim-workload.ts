/**
 * What the shop does on a till between faults: cash and credit sales, refunds, stock receipts,
 * new customers and credit payments. Every command goes through the real ledger; a refusal
 * (not enough stock, over the credit limit) is a normal outcome that writes nothing. Every
 * completed sale is recorded in the oracle the checks compare the server with.
 */
import { rawDb } from '@payme/till/ledger/raw-db';
import { PaymeError, lineAmount, roundToShilling, type SeededRandom } from '@payme/shared';
import type { SimBusiness, SimProduct } from './sim-server.js';
import type { SimTill } from './sim-till.js';

export interface SaleRecordOracle {
  sale_id: string;
  till: number;
  total: number;
  credit: boolean;
}

export interface Oracle {
  sales: Map<string, SaleRecordOracle>;
  refused: number;
  commands: number;
}

function onHand(till: SimTill, product: SimProduct): number {
  return till.ledger.stockOnHand({ product_ids: [product.id] }).levels[0]?.on_hand ?? 0;
}

function quantityFor(random: SeededRandom, product: SimProduct, large: boolean): number {
  if (product.unit === 'piece') return large ? random.int(10, 40) : random.int(1, 3);
  return large ? random.int(5_000, 20_000) : random.int(100, 1_500);
}

function localCustomers(till: SimTill): { customer_id: string; balance: number; credit_limit: number }[] {
  return rawDb(till.ledger).prepare('SELECT customer_id, balance, credit_limit FROM customers ORDER BY customer_id').all() as {
    customer_id: string;
    balance: number;
    credit_limit: number;
  }[];
}

function sell(till: SimTill, business: SimBusiness, random: SeededRandom, oracle: Oracle, credit: boolean): void {
  const customers = credit ? localCustomers(till) : [];
  if (credit && customers.length === 0) return;
  const count = random.int(1, 3);
  const lines: { product_id: string; quantity: number }[] = [];
  let sum = 0;
  for (let index = 0; index < count; index += 1) {
    const product = business.products[random.int(0, business.products.length - 1)]!;
    if (lines.some((line) => line.product_id === product.id)) continue;
    const quantity = quantityFor(random, product, false);
    if (onHand(till, product) < quantity) continue;
    lines.push({ product_id: product.id, quantity });
    sum += lineAmount(product.price_cents, quantity, product.unit);
  }
  if (lines.length === 0) return;
  const total = roundToShilling(sum).payable;
  const sale_id = till.id();
  const customer = credit ? customers[random.int(0, customers.length - 1)]! : undefined;
  const tenders = credit ? [{ kind: 'credit' as const, amount: total }] : [{ kind: 'cash' as const, amount: total, tendered: Math.ceil(total / 10_000) * 10_000 }];
  const result = till.ledger.completeSale(business.cashier_id, {
    command_id: till.id(),
    sale_id,
    lines,
    tenders,
    ...(customer === undefined ? {} : { customer_id: customer.customer_id }),
  });
  oracle.sales.set(sale_id, { sale_id, till: till.index, total: result.total, credit });
}

function refund(till: SimTill, business: SimBusiness, random: SeededRandom, oracle: Oracle): void {
  const own = [...oracle.sales.values()].filter((sale) => sale.till === till.index);
  if (own.length === 0) return;
  const target = own[random.int(0, own.length - 1)]!;
  const record = till.ledger.getSale({ sale_id: target.sale_id }) as { sale: { lines: { line_id: string; quantity: number }[] } };
  const line = record.sale.lines[random.int(0, record.sale.lines.length - 1)]!;
  till.ledger.refundSale(business.manager_id, {
    command_id: till.id(),
    refund_id: till.id(),
    sale_id: target.sale_id,
    lines: [{ line_id: line.line_id, quantity: random.int(1, line.quantity) }],
    tender: target.credit ? 'credit' : 'cash',
    reason: 'Customer returned it',
  });
}

function receive(till: SimTill, business: SimBusiness, random: SeededRandom): void {
  const product = business.products[random.int(0, business.products.length - 1)]!;
  till.ledger.receiveStock(business.manager_id, {
    command_id: till.id(),
    receipt_id: till.id(),
    lines: [{ product_id: product.id, quantity: quantityFor(random, product, true) }],
  });
}

function newCustomer(till: SimTill, business: SimBusiness, random: SeededRandom): void {
  till.ledger.createCustomer(business.manager_id, {
    command_id: till.id(),
    customer_id: till.id(),
    name: `Customer ${random.int(1, 99_999)}`,
    credit_limit: random.int(1, 20) * 100_000,
  });
}

function creditPayment(till: SimTill, business: SimBusiness, random: SeededRandom): void {
  const owing = localCustomers(till).filter((customer) => customer.balance > 0);
  if (owing.length === 0) return;
  const customer = owing[random.int(0, owing.length - 1)]!;
  till.ledger.recordCreditPayment(business.cashier_id, {
    command_id: till.id(),
    entry_id: till.id(),
    customer_id: customer.customer_id,
    amount: random.int(1, customer.balance),
    tender: 'cash',
  });
}

/** One random shop action on `till`. */
export function shopAction(till: SimTill, business: SimBusiness, random: SeededRandom, oracle: Oracle): void {
  const roll = random.int(0, 99);
  oracle.commands += 1;
  try {
    if (roll < 50) sell(till, business, random, oracle, false);
    else if (roll < 60) sell(till, business, random, oracle, true);
    else if (roll < 75) receive(till, business, random);
    else if (roll < 83) refund(till, business, random, oracle);
    else if (roll < 90) newCustomer(till, business, random);
    else creditPayment(till, business, random);
  } catch (error) {
    if (!(error instanceof PaymeError)) throw error;
    oracle.refused += 1;
  }
}
