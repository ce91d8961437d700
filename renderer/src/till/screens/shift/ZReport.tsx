/**
 * The Z-report after a blind close: expected vs counted for every tender (cash, M-Pesa,
 * credit) and the variance, sales, refunds, voids, pay-ins and pay-outs. Printable. A tender
 * the cashier did not count is marked so: its "counted" is the ledger's expected figure.
 */
import { tender_kinds, formatKes, type ShiftRecord, type ShiftReport, type TenderKind } from '@payme/shared';
import { useDeps } from '../../app-context.js';
import { useT } from '../../i18n/i18n.js';
import { useApp } from '../../state/use-store.js';
import { receiptTime } from '../../receipt/receipt-model.js';

export function ZReport({ report, shift, counted, onDone }: { report: ShiftReport; shift: ShiftRecord; counted: readonly TenderKind[]; onDone: () => void }) {
  const t = useT();
  const { print, profile } = useDeps();
  // The printout says whose shift at which till of which shop (issue 17).
  const cashier = useApp((s) => s.staff?.name ?? '—');
  const present = new Set([...report.expected, ...report.counted].map((row) => row.tender));
  const tenders = tender_kinds.filter((tender) => present.has(tender));
  const amountOf = (rows: readonly { tender: string; amount: number }[], tender: string) => rows.find((row) => row.tender === tender)?.amount;
  return (
    <main className="z-report" aria-label={t.z_report}>
      <h1>{t.z_report}</h1>
      <p data-testid="z-report-who">{t.z_report_till(profile.shop_name, profile.till_label, cashier)}</p>
      <p>{receiptTime(report.opened_at)} – {receiptTime(report.closed_at)} · {t.field_float} {formatKes(report.float)}</p>
      <table>
        <thead><tr><th>{t.tender}</th><th>{t.expected}</th><th>{t.counted}</th><th>{t.variance}</th></tr></thead>
        <tbody>
          {tenders.map((tender) => {
            const variance = amountOf(report.variance, tender);
            return (
              <tr key={tender}>
                <td>{t.tender_kind[tender]}</td>
                <td className="money">{formatKes(amountOf(report.expected, tender) ?? 0)}</td>
                {counted.includes(tender) ? (
                  <>
                    <td className="money">{amountOf(report.counted, tender) !== undefined ? formatKes(amountOf(report.counted, tender) ?? 0) : '—'}</td>
                    <td className={`money${variance !== undefined && variance !== 0 ? ' warning' : ''}`}>{variance !== undefined ? formatKes(variance) : '—'}</td>
                  </>
                ) : (
                  <><td className="hint">{t.not_counted}</td><td>—</td></>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      <p>{t.sales_count}: {report.sales_count} · {t.refunds}: {formatKes(report.refunds_total)} · {t.voids}: {report.voids_count}</p>
      <p>{t.pay_in}: {formatKes(shift.paid_in)} · {t.pay_out}: {formatKes(shift.paid_out)}</p>
      <button type="button" onClick={() => void print.printReceipt()}>{t.print}</button>
      <button type="button" autoFocus onClick={onDone}>{t.done}</button>
    </main>
  );
}
