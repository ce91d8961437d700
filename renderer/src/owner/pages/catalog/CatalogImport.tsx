/**
 * Import a price list (UX owner 5): the owner picks a CSV; the page reads it, and either reports
 * every problem by spreadsheet row and column with what to do, or sends it. The server checks
 * again and refuses the whole file if any row is wrong, so nothing is ever partly imported.
 */
import { useId, useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { productImportErrorsSchema } from '@payme/shared';
import { DataTable } from '../../components/DataTable.js';
import { FormError } from '../../components/Field.js';
import { isOwnerApiError } from '../../api/owner-http.js';
import { useApi } from '../../deps.js';
import { errorWords } from '../../error-words.js';
import { useT } from '../../i18n/i18n.js';
import { catalogApi } from './catalog-api.js';
import { parseCatalogCsv, serverProblems, type CsvProblem } from './catalog-csv.js';

type ImportWords = ReturnType<typeof useT>['manage']['catalog'];

function problemWords(problem: CsvProblem, words: ImportWords): string {
  const detail = problem.detail ?? '';
  switch (problem.kind) {
    case 'unknown_column':
      return words.problem.unknown_column(detail);
    case 'missing_column':
      return words.problem.missing_column(detail);
    case 'repeated_column':
      return words.problem.repeated_column(detail);
    case 'file':
      return words.problem.file(detail);
    case 'too_many_rows':
      return words.problem.too_many_rows(detail);
    case 'server':
      return detail;
    default:
      return words.problem[problem.kind];
  }
}

function fixWords(problem: CsvProblem, words: ImportWords): string {
  if (problem.kind === 'unknown_column' || problem.kind === 'missing_column' || problem.kind === 'repeated_column') return words.fix.header;
  if (problem.kind === 'too_many_rows') return words.fix.too_many_rows;
  const fix = (words.fix as Record<string, string>)[problem.column];
  return fix ?? words.fix.other;
}

export function CatalogImport() {
  const t = useT();
  const words = t.manage.catalog;
  const api = catalogApi(useApi().http);
  const queryClient = useQueryClient();
  const inputId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [problems, setProblems] = useState<CsvProblem[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async () => {
    setProblems([]);
    setDone(null);
    setFormError(null);
    if (file === null) return setFormError(words.import_choose);
    const parsed = parseCatalogCsv(await file.text());
    if (parsed.problems.length > 0) return setProblems(parsed.problems);
    setBusy(true);
    try {
      const answer = await api.import(parsed.rows);
      setDone(words.import_done(answer.created, answer.updated));
      await queryClient.invalidateQueries({ queryKey: ['products'] });
    } catch (error) {
      const details = isOwnerApiError(error) ? productImportErrorsSchema.safeParse(error.details) : null;
      if (details?.success) setProblems(serverProblems(details.data.errors, parsed.sheet_rows));
      else setFormError(errorWords(error, t));
    } finally {
      setBusy(false);
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void run();
  };

  return (
    <form className="card" onSubmit={onSubmit} noValidate aria-labelledby={`${inputId}-title`}>
      <h2 id={`${inputId}-title`}>{words.import_title}</h2>
      <div className="field">
        <label htmlFor={inputId}>{words.import_file}</label>
        <input id={inputId} type="file" accept=".csv,text/csv" aria-describedby={`${inputId}-hint`} onChange={(event) => setFile(event.target.files?.[0] ?? null)} />
        <small id={`${inputId}-hint`} className="hint">
          {words.import_hint}
        </small>
      </div>
      <FormError message={formError} />
      {done !== null && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
      {problems.length > 0 && (
        <>
          <p className="form-error" role="alert">
            {words.import_refused(problems.length)}
          </p>
          <DataTable
            caption={words.report_caption}
            columns={[
              { key: 'row', header: words.report_row, numeric: true, cell: (problem) => problem.row },
              { key: 'column', header: words.report_column, cell: (problem) => problem.column },
              { key: 'problem', header: words.report_problem, cell: (problem) => problemWords(problem, words) },
              { key: 'fix', header: words.report_fix, cell: (problem) => fixWords(problem, words) },
            ]}
            rows={problems}
            rowKey={(problem) => `${problem.row}|${problem.column}|${problem.kind}|${problem.detail ?? ''}`}
            empty=""
          />
        </>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? words.importing : words.import_submit}
      </button>
    </form>
  );
}
