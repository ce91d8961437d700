/** A CSV export (GET /v1/exports/<name>.csv) the browser downloads itself, with the page's filters. */
import type { ExportName } from '@payme/shared';
import type { Query } from '../api/reports-api.js';
import { useApi } from '../deps.js';
import { useT } from '../i18n/i18n.js';

export function ExportLinks({ names, query = {} }: { names: readonly ExportName[]; query?: Query }) {
  const t = useT().reports.export;
  const api = useApi();
  return (
    <p className="row-actions">
      {names.map((name) => (
        <a key={name} href={api.http.href(`/v1/exports/${name}.csv`, query)} download={`${name}.csv`}>
          {t[name]}
        </a>
      ))}
    </p>
  );
}
