/** The browser host's transport: `POST /rpc/<method>` with a JSON body (DESIGN §2, §11). */
import type { TillInput, TillMethod, TillOutput } from '@payme/shared';
import { TillCallError, errorFromBody, type TillTransport } from './transport.js';

type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string }) => Promise<{
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}>;

export function createHttpTransport(options: { baseUrl?: string; fetch?: FetchLike } = {}): TillTransport {
  const base = (options.baseUrl ?? '').replace(/\/$/, '');
  const doFetch: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  return {
    async call<M extends TillMethod>(method: M, input: TillInput<M>): Promise<TillOutput<M>> {
      let response: Awaited<ReturnType<FetchLike>>;
      try {
        response = await doFetch(`${base}/rpc/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input),
        });
      } catch {
        // The host runs on this PC: if it cannot be reached the till program itself is down.
        throw new TillCallError('offline', 'The till program on this PC is not answering. Check that it is running.');
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        body = undefined;
      }
      if (!response.ok) throw errorFromBody(body, `The till answered with an error (HTTP ${response.status}).`);
      return body as TillOutput<M>;
    },
  };
}
