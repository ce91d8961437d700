/**
 * One sale: its items, payments (a typed M-Pesa code says whether a confirmation verified it),
 * refunds, and the till records and audit entries behind it with their hashes (UX owner 6:
 * "prove it").
 */
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import type { SaleDetailResponse } from '@payme/shared';
import { formatDateTime } from '../../../common/format.js';
import { DataTable } from '../../components/DataTable.js';
import { Money, Stat } from '../../components/Money.js';
import { QueryView } from '../../components/PageState.js';
import { useApi } from '../../deps.js';
import { quantityText } from '../../format-quantity.js';
import { useLanguage, useT } from '../../i18n/i18n.js';
import { useSignedIn } from '../../state/use-session.js';

type Detail = SaleDetailResponse;

function Lines({ detail }: { detail: Detail }) {
  const t = useT().reports.sales;
  return (
    <DataTable<Detail['lines'][number]>
      caption={t.lines}
      columns={[
        { key: 'item', header: t.item, cell: (row) => row.name },
        { key: 'quantity', header: t.quantity, numeric: true, cell: (row) => quantityText(row.quantity, row.unit) },
        { key: 'price', header: t.unit_price, numeric: true, cell: (row) => <Money cents={row.unit_price_cents} /> },
        { key: 'discount', header: t.discount, numeric: true, cell: (row) => <Money cents={row.discount_cents} /> },
        { key: 'amount', header: t.line_total, numeric: true, cell: (row) => <Money cents={row.net_cents} /> },
        { key: 'refunded', header: t.refunded, numeric: true, cell: (row) => (row.refunded_quantity === 0 ? '—' : quantityText(row.refunded_quantity, row.unit)) },
      ]}
      rows={detail.lines}
      rowKey={(row) => row.line_id}
      empty="—"
    />
  );
}

function Tenders({ detail }: { detail: Detail }) {
  const words = useT().reports;
  const t = words.sales;
  const verified = (row: Detail['tenders'][number]) => (row.claim_verified === null ? '' : row.claim_verified ? ` · ${t.verified}` : ` · ${t.not_verified}`);
  return (
    <DataTable<Detail['tenders'][number]>
      caption={t.tenders}
      columns={[
        { key: 'kind', header: words.field.tender, cell: (row) => words.tender[row.kind] },
        { key: 'code', header: t.mpesa_code, cell: (row) => `${row.mpesa_receipt ?? row.claim_code ?? '—'}${verified(row)}` },
        { key: 'amount', header: t.total, numeric: true, cell: (row) => <Money cents={row.amount_cents} /> },
      ]}
      rows={detail.tenders}
      rowKey={(row) => String(row.tender_no)}
      empty="—"
    />
  );
}

function Proof({ detail }: { detail: Detail }) {
  const t = useT().reports.sales;
  return (
    <>
      <DataTable<Detail['events'][number]>
        caption={t.events}
        columns={[
          { key: 'seq', header: t.seq, numeric: true, cell: (row) => row.seq },
          { key: 'type', header: t.type, cell: (row) => row.type },
          { key: 'hash', header: t.hash, cell: (row) => <span className="hash">{row.hash}</span> },
        ]}
        rows={detail.events}
        rowKey={(row) => row.event_id}
        empty="—"
      />
      <DataTable<Detail['audit'][number]>
        caption={t.audit}
        columns={[
          { key: 'seq', header: t.seq, numeric: true, cell: (row) => row.seq },
          { key: 'kind', header: t.type, cell: (row) => row.kind },
          { key: 'hash', header: t.hash, cell: (row) => <span className="hash">{row.hash}</span> },
        ]}
        rows={detail.audit}
        rowKey={(row) => String(row.seq)}
        empty="—"
      />
    </>
  );
}

function Sale({ detail }: { detail: Detail }) {
  const t = useT().reports.sales;
  const language = useLanguage();
  const zone = useSignedIn().business.time_zone;
  const sale = detail.sale;
  return (
    <>
      <h1 id="sale-title">{t.detail(sale.receipt_no ?? t.no_receipt)}</h1>
      <p className="hint">
        {formatDateTime(sale.sold_at, zone, language)} · {sale.till_name ?? '—'} · {sale.cashier_name ?? '—'} · {t.status_name[sale.status]}
        {sale.customer_name !== null && ` · ${sale.customer_name}`}
      </p>
      <section className="card stats" aria-label={t.total}>
        {(
          [
            [t.total, sale.total_cents],
            [t.subtotal, sale.subtotal_cents],
            [t.discount, sale.discount_cents],
            [t.vat, sale.vat_cents],
            [t.refunded, sale.refunded_cents],
          ] as const
        ).map(([label, cents]) => (
          <Stat key={label} label={label}>
            <Money cents={cents} />
          </Stat>
        ))}
      </section>
      <Lines detail={detail} />
      <Tenders detail={detail} />
      <h2>{t.refunds}</h2>
      {detail.refunds.length === 0 ? (
        <p className="empty">{t.no_refunds}</p>
      ) : (
        <ul>
          {detail.refunds.map((refund) => (
            <li key={refund.refund_id}>
              {formatDateTime(refund.occurred_at, zone, language)}: <Money cents={refund.total_cents} /> — {refund.reason}
            </li>
          ))}
        </ul>
      )}
      <Proof detail={detail} />
    </>
  );
}

export function SaleDetailPage() {
  const words = useT();
  const api = useApi();
  const { saleId } = useParams({ from: '/sales/$saleId' });
  const detail = useQuery({ queryKey: ['sales', 'detail', saleId], queryFn: () => api.reports.sale(saleId) });
  return (
    <section aria-labelledby="sale-title">
      <Link to="/sales">{words.reports.back}</Link>
      <QueryView query={detail}>{(answer) => <Sale detail={answer} />}</QueryView>
    </section>
  );
}
