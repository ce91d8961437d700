/** Audit (owner only, UX owner 6 "Prove it"): Verify with the signed head, the log, quarantined events. */
import { useT } from '../../i18n/i18n.js';
import { OwnerOnly } from '../OwnerOnly.js';
import { AuditLog } from './AuditLog.js';
import { AuditVerify } from './AuditVerify.js';
import { QuarantineList } from './QuarantineList.js';

export function AuditPage() {
  const t = useT();
  return (
    <OwnerOnly>
      <section aria-labelledby="audit-title">
        <h1 id="audit-title">{t.page.audit}</h1>
        <AuditVerify />
        <QuarantineList />
        <AuditLog />
      </section>
    </OwnerOnly>
  );
}
