/**
 * Manager approval where the ledger asks for it (UX: "right there in a small prompt, not a new
 * screen"). A command is tried as the cashier; on `approval_required` this prompt asks for a
 * manager and their PIN and retries the same command with `approval`. Esc cancels.
 */
import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';
import type { Approval } from '@payme/shared';
import { isTillCallError } from '../transport/transport.js';
import { useDeps } from '../app-context.js';
import { useT } from '../i18n/i18n.js';
import { errorWords } from '../error-words.js';

export class ApprovalCancelled extends Error {
  constructor() {
    super('The manager approval was cancelled');
    this.name = 'ApprovalCancelled';
  }
}

type Attempt<T> = (approval: Approval | undefined) => Promise<T>;
export type RunWithApproval = <T>(attempt: Attempt<T>) => Promise<T>;

interface Pending {
  why: string;
  submit(approval: Approval): Promise<void>;
  cancel(): void;
}

const ApprovalContext = createContext<RunWithApproval | null>(null);

export function useApproval(): RunWithApproval {
  const run = useContext(ApprovalContext);
  if (run === null) throw new Error('useApproval needs an ApprovalProvider');
  return run;
}

export function ApprovalProvider({ children }: { children: ReactNode }) {
  const [pending, setPending] = useState<Pending | null>(null);
  const run = useCallback<RunWithApproval>(async (attempt) => {
    try {
      return await attempt(undefined);
    } catch (error) {
      if (!isTillCallError(error) || error.code !== 'approval_required') throw error;
      const why = error.message;
      return new Promise((resolve, reject) => {
        setPending({
          why,
          // A wrong PIN keeps the prompt open with the ledger's words; anything else ends it.
          submit: async (approval) => {
            try {
              const result = await attempt(approval);
              setPending(null);
              resolve(result);
            } catch (retryError) {
              if (isTillCallError(retryError) && (retryError.code === 'pin_invalid' || retryError.code === 'pin_locked' || retryError.code === 'forbidden')) throw retryError;
              setPending(null);
              reject(retryError);
            }
          },
          cancel: () => {
            setPending(null);
            reject(new ApprovalCancelled());
          },
        });
      });
    }
  }, []);
  return (
    <ApprovalContext.Provider value={run}>
      {children}
      {pending !== null && <ApprovalPrompt pending={pending} />}
    </ApprovalContext.Provider>
  );
}

function ApprovalPrompt({ pending }: { pending: Pending }) {
  const t = useT();
  const { profile } = useDeps();
  const managers = profile.staff.filter((person) => person.role !== 'cashier');
  const [managerId, setManagerId] = useState(managers[0]?.staff_id ?? '');
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const busy = useRef(false);
  const submit = async () => {
    if (busy.current) return;
    if (managerId === '') return setError(t.approval_no_manager);
    busy.current = true;
    try {
      await pending.submit({ manager_id: managerId, pin });
    } catch (submitError) {
      setPin('');
      setError(errorWords(submitError, t));
    } finally {
      busy.current = false;
    }
  };
  return (
    <div className="approval" role="dialog" aria-modal="true" aria-label={t.approval_title}
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          pending.cancel();
        }
      }}>
      <h2>{t.approval_title}</h2>
      <p>{pending.why}</p>
      <label>
        {t.approval_manager}
        <select value={managerId} onChange={(event) => setManagerId(event.target.value)}>
          {managers.map((manager) => (
            <option key={manager.staff_id} value={manager.staff_id}>{manager.name}</option>
          ))}
        </select>
      </label>
      <form onSubmit={(event) => { event.preventDefault(); void submit(); }}>
        <label>
          {t.approval_pin}
          <input autoFocus type="password" inputMode="numeric" autoComplete="off" value={pin} onChange={(event) => setPin(event.target.value)} />
        </label>
        {error !== null && <p role="alert" className="error">{error}</p>}
        <button type="submit">{t.approve}</button>
        <button type="button" onClick={() => pending.cancel()}>{t.cancel_esc}</button>
      </form>
    </div>
  );
}
