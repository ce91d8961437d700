/**
 * "Prove it" (UX owner 6): Verify re-reads the whole audit chain on the server and checks every
 * signed checkpoint; the page shows the outcome and the signed head (the latest checkpoint's
 * sequence number, hash, signature and the key that signed it), so the owner can compare it with
 * a copy kept elsewhere.
 */
import { useMutation } from '@tanstack/react-query';
import type { AuditCheckpointResponse, AuditVerifyResponse } from '@payme/shared';
import { formatDateTime } from '../../../common/format.js';
import { FormError } from '../../components/Field.js';
import { useApi } from '../../deps.js';
import { errorWords } from '../../error-words.js';
import { useLanguage, useT } from '../../i18n/i18n.js';
import { useSignedIn } from '../../state/use-session.js';
import { auditApi } from './audit-api.js';

interface Outcome {
  verify: AuditVerifyResponse;
  head: AuditCheckpointResponse;
}

function SignedHead({ head }: { head: AuditCheckpointResponse }) {
  const t = useT();
  const words = t.manage.audit;
  const language = useLanguage();
  const session = useSignedIn();
  const checkpoint = head.checkpoint;
  if (checkpoint === null) return <p className="hint">{words.no_checkpoint}</p>;
  const rows: Array<[string, string]> = [
    [words.head_seq, String(checkpoint.seq)],
    [words.head_signed_at, formatDateTime(checkpoint.created_at, session.business.time_zone, language)],
    [words.head_hash, checkpoint.hash],
    [words.head_signature, checkpoint.signature],
    [words.head_key, checkpoint.key_id],
    [words.head_public_key, head.public_key],
  ];
  return (
    <section aria-labelledby="signed-head-title">
      <h3 id="signed-head-title">{words.signed_head}</h3>
      <dl className="facts">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd className="code">{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

export function AuditVerify() {
  const t = useT();
  const words = t.manage.audit;
  const api = auditApi(useApi().http);
  const run = useMutation({
    mutationFn: async (): Promise<Outcome> => {
      const [verify, head] = await Promise.all([api.verify(), api.checkpoint()]);
      return { verify, head };
    },
  });
  const outcome = run.isError ? null : (run.data ?? null);

  const result = outcome?.verify;
  return (
    <section className="card" aria-labelledby="verify-title">
      <h2 id="verify-title">{words.verify_title}</h2>
      <p className="hint">{words.verify_hint}</p>
      <button type="button" className="primary" onClick={() => run.mutate()} disabled={run.isPending}>
        {run.isPending ? words.verifying : words.verify}
      </button>
      <FormError message={run.isError ? errorWords(run.error, t) : null} />
      {result !== undefined && (
        <div role="status">
          {result.ok ? (
            <p className="badge ok">{words.verify_ok(result.head_seq, result.checkpoints_verified)}</p>
          ) : (
            <>
              <p className="badge bad">{words.verify_broken(result.broken_seq)}</p>
              <p>{result.message}</p>
              <p className="hint">{words.verify_broken_what}</p>
            </>
          )}
        </div>
      )}
      {outcome !== null && <SignedHead head={outcome.head} />}
    </section>
  );
}
