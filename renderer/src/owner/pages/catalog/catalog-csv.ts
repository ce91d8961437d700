/**
 * A catalog CSV as the owner exported it from a spreadsheet, turned into the rows of
 * POST /v1/products/import. Rows are numbered as the spreadsheet numbers them (the header is
 * row 1), so "row 7, price" is the cell the owner fixes. Money is typed in shillings
 * (`1,234.50`, parsed by shared's `parseKes`); an empty cell is left out, so an update keeps what
 * the product has. Every problem of the file is found in one pass; nothing is sent while any
 * remains.
 */
import Papa from 'papaparse';
import { isPaymeError, parseKes, product_import_columns, type ProductImportColumn } from '@payme/shared';

/** The page refuses a file past this many product rows before sending it (the server's limit). */
export const catalog_csv_rows_max = 1_000;

export type CsvProblemKind = 'unknown_column' | 'missing_column' | 'repeated_column' | 'empty' | 'amount' | 'whole_number' | 'file' | 'too_many_rows' | 'server';

export interface CsvProblem {
  /** The spreadsheet's row number (the header is 1); 1 for problems of the header itself. */
  row: number;
  /** The CSV column it is about, `file` for the file as a whole. */
  column: ProductImportColumn | 'file' | string;
  kind: CsvProblemKind;
  /** The server's words, or the column name for header problems. */
  detail?: string;
}

export interface ImportRowBody {
  name: string;
  sku?: string;
  barcode?: string;
  price_cents: number;
  cost_cents?: number;
  reorder_level?: number;
  vat_class?: string;
  unit?: string;
}

export interface ParsedCatalog {
  rows: ImportRowBody[];
  /** `sheet_rows[i]` is the spreadsheet row of `rows[i]`, to name the server's refusals. */
  sheet_rows: number[];
  problems: CsvProblem[];
}

const required_columns: readonly ProductImportColumn[] = ['name', 'price'];
const known = new Set<string>(product_import_columns);

function headerProblems(header: readonly string[]): CsvProblem[] {
  const problems: CsvProblem[] = [];
  const seen = new Set<string>();
  for (const column of header) {
    if (!known.has(column)) problems.push({ row: 1, column, kind: 'unknown_column', detail: column });
    else if (seen.has(column)) problems.push({ row: 1, column, kind: 'repeated_column', detail: column });
    seen.add(column);
  }
  for (const column of required_columns) if (!seen.has(column)) problems.push({ row: 1, column, kind: 'missing_column', detail: column });
  return problems;
}

function amountOf(text: string, row: number, column: ProductImportColumn, problems: CsvProblem[]): number | undefined {
  try {
    return parseKes(text, column);
  } catch (error) {
    if (!isPaymeError(error)) throw error;
    problems.push({ row, column, kind: 'amount' });
    return undefined;
  }
}

function rowBody(cells: Readonly<Record<string, string>>, row: number, problems: CsvProblem[]): ImportRowBody | null {
  const before = problems.length;
  const text = (column: ProductImportColumn) => cells[column]?.trim() ?? '';
  if (text('name') === '') problems.push({ row, column: 'name', kind: 'empty' });
  if (text('price') === '') problems.push({ row, column: 'price', kind: 'empty' });
  const price = text('price') === '' ? undefined : amountOf(text('price'), row, 'price', problems);
  const cost = text('cost') === '' ? undefined : amountOf(text('cost'), row, 'cost', problems);
  const reorder = text('reorder_level');
  if (reorder !== '' && !/^\d{1,9}$/.test(reorder)) problems.push({ row, column: 'reorder_level', kind: 'whole_number' });
  if (problems.length > before || price === undefined) return null;
  const body: ImportRowBody = { name: text('name'), price_cents: price };
  if (text('sku') !== '') body.sku = text('sku');
  if (text('barcode') !== '') body.barcode = text('barcode');
  if (cost !== undefined) body.cost_cents = cost;
  if (reorder !== '') body.reorder_level = Number(reorder);
  if (text('vat_class') !== '') body.vat_class = text('vat_class');
  if (text('unit') !== '') body.unit = text('unit');
  return body;
}

export function parseCatalogCsv(file_text: string): ParsedCatalog {
  const parsed = Papa.parse<string[]>(file_text.replace(/^\uFEFF/, ''), { skipEmptyLines: false });
  const problems: CsvProblem[] = parsed.errors.map((error) => ({ row: (error.row ?? 0) + 1, column: 'file', kind: 'file', detail: error.message }));
  const [headerCells, ...records] = parsed.data;
  if (headerCells === undefined || headerCells.every((cell) => cell.trim() === '')) {
    return { rows: [], sheet_rows: [], problems: [{ row: 1, column: 'file', kind: 'missing_column', detail: 'name' }] };
  }
  const header = headerCells.map((cell) => cell.trim().toLowerCase());
  problems.push(...headerProblems(header));
  const rows: ImportRowBody[] = [];
  const sheet_rows: number[] = [];
  records.forEach((record, index) => {
    const row = index + 2;
    if (record.every((cell) => cell.trim() === '')) return;
    const cells = Object.fromEntries(header.map((column, i) => [column, record[i] ?? '']));
    const body = rowBody(cells, row, problems);
    if (body !== null) {
      rows.push(body);
      sheet_rows.push(row);
    }
  });
  if (rows.length + problems.filter((p) => p.row > 1).length > catalog_csv_rows_max) {
    problems.push({ row: 1, column: 'file', kind: 'too_many_rows', detail: String(catalog_csv_rows_max) });
  }
  if (rows.length === 0 && problems.length === 0) problems.push({ row: 2, column: 'file', kind: 'empty' });
  return { rows, sheet_rows, problems };
}

/** The server names its fields (`price_cents`); the owner's file names its columns (`price`). */
const column_of_field: Readonly<Record<string, string>> = { price_cents: 'price', cost_cents: 'cost' };

/** The server's refusals by row of `rows`, as problems of the owner's spreadsheet rows. */
export function serverProblems(errors: ReadonlyArray<{ row: number; field: string; message: string }>, sheet_rows: readonly number[]): CsvProblem[] {
  return errors.map((error) => ({ row: sheet_rows[error.row - 1] ?? error.row, column: column_of_field[error.field] ?? error.field, kind: 'server', detail: error.message }));
}
