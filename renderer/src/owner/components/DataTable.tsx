/**
 * A table on a laptop, a list of cards on a phone (DESIGN §12, 360 px): the same `<table>`, and
 * below 640 px each row is laid out as a card whose cells carry their column's name (data-label,
 * styles.css). The caption is the table's accessible name.
 */
import type { ReactNode } from 'react';

export interface Column<Row> {
  key: string;
  header: string;
  cell(row: Row): ReactNode;
  /** Numbers and money align right, so columns of figures read down. */
  numeric?: boolean;
}

export interface DataTableProps<Row> {
  caption: string;
  /** Visually hidden caption (the page heading already says it). */
  hideCaption?: boolean;
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  rowKey(row: Row): string;
  empty: string;
  rowClass?(row: Row): string | undefined;
}

export function DataTable<Row>({ caption, hideCaption, columns, rows, rowKey, empty, rowClass }: DataTableProps<Row>) {
  if (rows.length === 0) return <p className="empty">{empty}</p>;
  return (
    <table className="data-table">
      <caption className={hideCaption ? 'visually-hidden' : undefined}>{caption}</caption>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column.key} scope="col" className={column.numeric ? 'numeric' : undefined}>
              {column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)} className={rowClass?.(row)}>
            {columns.map((column) => (
              <td key={column.key} data-label={column.header} className={column.numeric ? 'numeric' : undefined}>
                {column.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
