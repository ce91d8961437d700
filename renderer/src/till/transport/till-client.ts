/**
 * `till.<method>(input)` for the screens: one function per method of the till API table, each
 * checking the answer against the shared output schema so a host that drifts from the contract
 * fails loudly instead of showing wrong money.
 */
import { tillApi, till_methods, type TillInput, type TillMethod, type TillOutput } from '@payme/shared';
import { TillCallError, type TillTransport } from './transport.js';

export type TillClient = { [M in TillMethod]: (input: TillInput<M>) => Promise<TillOutput<M>> };

export function createTillClient(transport: TillTransport): TillClient {
  const client: Partial<Record<TillMethod, (input: never) => Promise<unknown>>> = {};
  for (const method of till_methods) {
    client[method] = async (input: never) => {
      const raw = await transport.call(method, input);
      const parsed = tillApi[method].output.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue ? issue.path.join('.') : '';
        throw new TillCallError('internal', `The till sent an answer this screen does not understand (${method} ${where}: ${issue?.message ?? ''}).`);
      }
      return parsed.data;
    };
  }
  return client as TillClient;
}
