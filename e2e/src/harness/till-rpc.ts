/**
 * The till API from outside, as the browser page calls it (`POST /rpc/<method>`): for setting up
 * a scenario (a delivery of stock) and reading the till's own view afterwards. The till keeps one
 * session, so a call that logs in here logs the page's user out; scenarios do it before the page
 * logs in.
 */
import type { TillInput, TillMethod, TillOutput } from '@payme/shared';

export async function tillRpc<M extends TillMethod>(tillUrl: string, method: M, input: TillInput<M>): Promise<TillOutput<M>> {
  const response = await fetch(new URL(`rpc/${method}`, tillUrl), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) });
  const body = (await response.json()) as unknown;
  if (!response.ok) throw new Error(`${method}: HTTP ${response.status} ${JSON.stringify(body)}`);
  return body as TillOutput<M>;
}
