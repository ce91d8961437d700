/**
 * One payment pays at most one sale (DESIGN §4, §7), checked where tills' sales arrive: ingest
 * (push) and quarantine replay call `foldCheckingPaymentReuse` in place of `foldEvents`.
 *
 * - A sale (parked or completed) naming an STK payment id that already belongs to another sale
 *   — a stored sale or tender, the sale the payment was requested for, or an earlier event of the
 *   same push — is refused: quarantined with `payment_reused` (DESIGN §4 "the server refuses a
 *   second"; §5: refused events are kept raw, shown to the owner, and the till moves on), and
 *   put in the owner's M-Pesa queue.
 * - A completed sale whose typed code (`claim_code`) another sale already used — a forwarded SMS,
 *   typed offline where nobody could check — is a fact from the shop: applied, and flagged
 *   (DESIGN §7 "the same code typed twice is flagged") as a `payment_reused` anomaly and a queue
 *   item. The C2B matching decides later which sale the money really paid.
 *
 * The check runs inside the push's transaction after the till row is locked; two tills pushing
 * the same payment at the same instant can both pass it (their sales commit separately), which
 * the owner's queue catches no worse than a till that was offline.
 */
import { sha256Hex, type PaymeEvent } from '@payme/shared';
import type { Db } from '../db/db.js';
import { foldEvents, type FoldInput, type FoldResult } from './project-events.js';
import type { ProjectionState } from './projection-state.js';

interface MoneyRef {
  key: string;
  field: string;
  amount_cents: number;
}

interface SaleMoney {
  sale_id: string;
  payments: MoneyRef[];
  codes: MoneyRef[];
}

/** The payments and typed codes a sale event says paid it. */
export function saleMoney(event: PaymeEvent): SaleMoney | null {
  if (event.type === 'sale_parked') {
    const parked = event.payload;
    return { sale_id: parked.sale_id, payments: [{ key: parked.payment_id, field: 'payload.payment_id', amount_cents: parked.total }], codes: [] };
  }
  if (event.type !== 'sale_completed') return null;
  const sale = event.payload;
  const payments: MoneyRef[] = [];
  const codes: MoneyRef[] = [];
  sale.tenders.forEach((tender, index) => {
    if (tender.payment_id !== undefined) payments.push({ key: tender.payment_id, field: `payload.tenders.${index}.payment_id`, amount_cents: tender.amount });
    if (tender.claim_code !== undefined) codes.push({ key: tender.claim_code, field: `payload.tenders.${index}.claim_code`, amount_cents: tender.amount });
  });
  return payments.length === 0 && codes.length === 0 ? null : { sale_id: sale.sale_id, payments, codes };
}

/** Which sales already hold each payment id / typed code (several for a code typed twice). */
async function storedOwners(tx: Db, businessId: string, paymentIds: string[], codes: string[]): Promise<{ payments: Map<string, Set<string>>; codes: Map<string, Set<string>> }> {
  const out = { payments: new Map<string, Set<string>>(), codes: new Map<string, Set<string>>() };
  if (paymentIds.length === 0 && codes.length === 0) return out;
  const rows = await tx.query<{ what: 'payment' | 'code'; key: string; sale_id: string }>(
    `SELECT 'payment' AS what, t.payment_id::text AS key, t.sale_id::text AS sale_id FROM tenders t WHERE t.business_id = $1 AND t.payment_id = ANY($2::uuid[])
     UNION ALL SELECT 'payment', s.payment_id::text, s.sale_id::text FROM sales s WHERE s.business_id = $1 AND s.payment_id = ANY($2::uuid[])
     UNION ALL SELECT 'payment', p.payment_id::text, p.sale_id::text FROM payments p WHERE p.business_id = $1 AND p.payment_id = ANY($2::uuid[]) AND p.sale_id IS NOT NULL
     UNION ALL SELECT 'code', t.claim_code, t.sale_id::text FROM tenders t WHERE t.business_id = $1 AND t.claim_code = ANY($3::text[])
     UNION ALL SELECT 'code', t.mpesa_receipt, t.sale_id::text FROM tenders t WHERE t.business_id = $1 AND t.mpesa_receipt = ANY($3::text[])`,
    [businessId, paymentIds, codes],
  );
  for (const row of rows) {
    const map = row.what === 'payment' ? out.payments : out.codes;
    map.set(row.key, (map.get(row.key) ?? new Set()).add(row.sale_id));
  }
  return out;
}

function otherSale(owners: Set<string> | undefined, saleId: string): string | undefined {
  return owners === undefined ? undefined : [...owners].find((owner) => owner !== saleId);
}

interface Flag {
  input: FoldInput;
  sale_id: string;
  ref: MoneyRef;
  paid_sale_id: string;
  basis: 'payment_id' | 'claim_code';
}

/** `foldEvents`, with sales that reuse a payment refused and sales that reuse a typed code flagged. */
export async function foldCheckingPaymentReuse(tx: Db, state: ProjectionState, inputs: readonly FoldInput[], receivedAt: string): Promise<FoldResult> {
  const sales = inputs.flatMap((input) => {
    if (!input.checked.ok || input.checked.event.till_id !== state.till_id) return [];
    const money = saleMoney(input.checked.event);
    return money ? [{ input, money }] : [];
  });
  if (sales.length === 0) return foldEvents(state, inputs, receivedAt);

  const stored = await storedOwners(
    tx,
    state.business_id,
    [...new Set(sales.flatMap(({ money }) => money.payments.map((ref) => ref.key)))],
    [...new Set(sales.flatMap(({ money }) => money.codes.map((ref) => ref.key)))],
  );
  const refused = new Map<FoldInput, Flag>();
  const flagged: Flag[] = [];
  for (const { input, money } of sales) {
    const reused = money.payments.flatMap((ref) => {
      const paid = otherSale(stored.payments.get(ref.key), money.sale_id);
      return paid === undefined ? [] : [{ input, sale_id: money.sale_id, ref, paid_sale_id: paid, basis: 'payment_id' as const }];
    })[0];
    if (reused) {
      refused.set(input, reused);
      continue;
    }
    // Only sales that are not refused hold their payments and codes for the events after them.
    for (const ref of money.payments) stored.payments.set(ref.key, (stored.payments.get(ref.key) ?? new Set()).add(money.sale_id));
    for (const ref of money.codes) {
      const paid = otherSale(stored.codes.get(ref.key), money.sale_id);
      if (paid !== undefined) flagged.push({ input, sale_id: money.sale_id, ref, paid_sale_id: paid, basis: 'claim_code' });
      stored.codes.set(ref.key, (stored.codes.get(ref.key) ?? new Set()).add(money.sale_id));
    }
  }

  const checked = inputs.map((input): FoldInput => {
    const flag = refused.get(input);
    if (!flag) return input;
    return {
      ...input,
      checked: {
        ok: false,
        reason: { code: 'payment_reused', message: `M-Pesa payment ${flag.ref.key} already paid sale ${flag.paid_sale_id}: one payment pays one sale`, field: flag.ref.field },
      },
    };
  });
  const fold = foldEvents(state, checked, receivedAt);

  const verdicts = new Map(fold.verdicts.map((verdict) => [verdict.event_id, verdict]));
  const queued: Flag[] = [...refused.values()];
  for (const flag of flagged) {
    if (verdicts.get(flag.input.event_id)?.status !== 'applied') continue;
    const details = flagDetails(state, flag, 'applied');
    const anomalyNo = 1 + fold.rows.anomalies.filter((row) => row.event_id === flag.input.event_id).reduce((max, row) => Math.max(max, row.anomaly_no), 0);
    fold.rows.anomalies.push({ event_id: flag.input.event_id, anomaly_no: anomalyNo, kind: 'payment_reused', till_id: state.till_id, subject: flag.ref.key, details, detected_at: receivedAt });
    queued.push(flag);
  }
  for (const flag of queued) await queueReuse(tx, state, flag, refused.has(flag.input) ? 'refused' : 'applied', receivedAt);
  return fold;
}

function flagDetails(state: ProjectionState, flag: Flag, disposition: 'refused' | 'applied'): Record<string, unknown> {
  return {
    basis: flag.basis,
    [flag.basis]: flag.ref.key,
    sale_id: flag.sale_id,
    paid_sale_id: flag.paid_sale_id,
    event_id: flag.input.event_id,
    till_id: state.till_id,
    disposition,
  };
}

/** One queue item per refused or flagged sale; its id derives from the event, so a replay adds none. */
async function queueReuse(tx: Db, state: ProjectionState, flag: Flag, disposition: 'refused' | 'applied', receivedAt: string): Promise<void> {
  await tx.query(
    `INSERT INTO mpesa_unmatched (business_id, item_id, kind, subject, amount_cents, details, created_at)
     VALUES ($1, $2, 'payment_reused', $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
    [state.business_id, uuidFromText(`payment_reused:${flag.input.event_id}`), flag.sale_id, flag.ref.amount_cents, JSON.stringify(flagDetails(state, flag, disposition)), receivedAt],
  );
}

/** A UUID (version 8, name-based) from text: stable across retries and replays. */
export function uuidFromText(text: string): string {
  const hex = sha256Hex(text).slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
