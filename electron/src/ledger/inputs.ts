/**
 * Command and query inputs are the shared till API's schemas (DESIGN §2): the ledger validates
 * with the very schema the host uses, so a call that reaches it past a careless host is refused
 * the same way, naming the field, before anything is written.
 */
import { parseInput, tillApi, type TillMethod, type TillParsedInput } from '@payme/shared';

export function parseCommandInput<M extends TillMethod>(method: M, raw: unknown): TillParsedInput<M> {
  return parseInput(tillApi[method].input, raw) as TillParsedInput<M>;
}
