/** The server as the owner sees it: log in with the demo's owner email and password, then read. */
export interface OwnerApi {
  get<T>(pathAndQuery: string): Promise<T>;
  /** Any method, the answer as it came (for refusals: 403s and 404s). */
  request(method: string, pathAndQuery: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** An owner's change (a product's price, say), as the owner view sends it. */
  patch<T>(path: string, body: unknown): Promise<T>;
}

export async function ownerLogin(serverUrl: string, email: string, password: string): Promise<OwnerApi> {
  const response = await fetch(`${serverUrl}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (!response.ok) throw new Error(`owner login: HTTP ${response.status} ${await response.text()}`);
  const { token } = (await response.json()) as { token: string };
  const request = (method: string, pathAndQuery: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${serverUrl}${pathAndQuery}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return {
    request,
    async get<T>(pathAndQuery: string): Promise<T> {
      const answer = await request('GET', pathAndQuery);
      if (!answer.ok) throw new Error(`GET ${pathAndQuery}: HTTP ${answer.status} ${await answer.text()}`);
      return (await answer.json()) as T;
    },
    async patch<T>(path: string, body: unknown): Promise<T> {
      const answer = await request('PATCH', path, body);
      if (!answer.ok) throw new Error(`PATCH ${path}: HTTP ${answer.status} ${await answer.text()}`);
      return (await answer.json()) as T;
    },
  };
}

export interface AuditEntry {
  seq: number;
  kind: string;
  subject: string;
  data: Record<string, unknown>;
  occurred_at: string;
}

export interface AppliedEvent {
  event_id: string;
  type: string;
  seq: number;
  till_id: string;
  /** When the server received the push that carried it (the audit entry's time). */
  applied_at: string;
}

/** Every till event the server applied (the audit log's `event_applied` entries), oldest first. */
export async function appliedTillEvents(owner: OwnerApi, tillId?: string): Promise<AppliedEvent[]> {
  const applied: AppliedEvent[] = [];
  let after = 0;
  for (;;) {
    const { entries } = await owner.get<{ entries: AuditEntry[] }>(`/v1/audit/entries?after=${after}&limit=1000`);
    for (const entry of entries) {
      if (entry.kind !== 'event_applied') continue;
      const { type, seq, till_id } = entry.data as { type: string; seq: number; till_id: string };
      if (tillId === undefined || till_id === tillId) applied.push({ event_id: entry.subject, type, seq, till_id, applied_at: entry.occurred_at });
    }
    const last = entries[entries.length - 1];
    if (last === undefined || entries.length < 1000) return applied;
    after = Number(last.seq);
  }
}
