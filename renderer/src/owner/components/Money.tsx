/** Money on the owner pages: always shared's formatKes (`KSh 1,234.50`), tabular digits. */
import { formatKes } from '@payme/shared';
import '../reports.css';

export function Money({ cents }: { cents: number }) {
  return <span className="money">{formatKes(cents)}</span>;
}

/** A headline figure: its name, its value, and a line under it (the week-earlier comparison). */
export function Stat({ label, children, note }: { label: string; children: React.ReactNode; note?: string | undefined }) {
  return (
    <div className="stat" role="group" aria-label={label}>
      <span className="stat-label">{label}</span>
      <span className="stat-value">{children}</span>
      {note !== undefined && <span className="stat-note">{note}</span>}
    </div>
  );
}
