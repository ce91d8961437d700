/** The Audit page's calls: the log (filtered, newest first), Verify with the signed head, quarantine. */
import { auditCheckpointResponseSchema, auditEntriesResponseSchema, auditVerifyResponseSchema, quarantineReplayResponseSchema, quarantineResponseSchema, staffResponseSchema } from '@payme/shared';
import type { OwnerHttp } from '../../api/owner-http.js';

/** Entries per page of the log. */
export const audit_page_rows = 50;
/** Quarantined events shown at once (the oldest unreplayed first, as the server orders them). */
export const quarantine_page_rows = 200;

export interface AuditFilters {
  kind: string;
  subject: string;
}

export function auditApi(http: OwnerHttp) {
  return {
    entries: (filters: AuditFilters, before: number | undefined) =>
      http.get('/v1/audit/entries', auditEntriesResponseSchema, { order: 'newest', limit: audit_page_rows, kind: filters.kind || undefined, subject: filters.subject || undefined, before }),
    verify: () => http.get('/v1/audit/verify', auditVerifyResponseSchema),
    checkpoint: () => http.get('/v1/audit/checkpoints/latest', auditCheckpointResponseSchema),
    staff: () => http.get('/v1/staff', staffResponseSchema),
    quarantine: () => http.get('/v1/quarantine', quarantineResponseSchema, { limit: quarantine_page_rows }),
    replay: () => http.send('POST', '/v1/quarantine/replay', {}, quarantineReplayResponseSchema),
  };
}

export const audit_keys = {
  entries: (filters: AuditFilters) => ['audit', 'entries', filters] as const,
  quarantine: ['audit', 'quarantine'] as const,
  staff: ['staff', 'list'] as const,
};
