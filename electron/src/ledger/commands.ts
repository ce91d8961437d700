/**
 * The command runner (DESIGN §4, the Stripe/TigerBeetle rule): every command carries a
 * client-generated id and runs as one synchronous IMMEDIATE transaction that appends exactly one
 * outbox event. Replaying an id returns the first result and changes nothing; the same id with
 * different content is `command_conflict`, naming both input hashes.
 */
import { PaymeError, type EventPayload, type EventType } from '@payme/shared';
import { immediateTransaction, sql, type LedgerContext } from './context.js';
import { fastCanonicalJson, sha256HexNative } from './event-hash.js';
import { appendEvent, type AppendedEvent } from './outbox.js';
import { projectEvent } from './projector.js';
import { commandAuth, requireActor, verifyApproval, type CommandAuth } from './staff.js';

export interface CommandInput {
  command_id: string;
  actor_id: string;
  approval?: { manager_id: string; pin: string } | undefined;
}

/**
 * What a command's body decides once its rules hold: the event to append, and its answer. The
 * command writes nothing itself: the event's effects are applied by the projector, the one
 * writer that recovery and import use too (Actual Budget's `applyMessages`).
 */
export interface CommandOutcome<T extends EventType, R> {
  event: { type: T; payload: EventPayload<T>; approver_id?: string | undefined };
  /** The command's answer, read after the event's effects were applied (it may read the ledger, never write). */
  result: (appended: AppendedEvent) => R;
}

/**
 * The hash that decides "same command": the canonical input without the approving PIN, which is
 * a secret and never stored, not even hashed (a 4–6 digit PIN hash is trivially reversed).
 */
export function commandHash(name: string, input: CommandInput): string {
  const { approval, ...rest } = input;
  const material = approval === undefined ? rest : { ...rest, approval: { manager_id: approval.manager_id } };
  // Node's native SHA-256: this hash never leaves the till, so it need not be the isomorphic one.
  return sha256HexNative(fastCanonicalJson({ command: name, input: material }));
}

interface StoredCommand {
  input_hash: string;
  result: string;
}

export function findCommand(ctx: LedgerContext, command_id: string): StoredCommand | undefined {
  return sql(ctx, 'SELECT input_hash, result FROM commands WHERE command_id = ?').get(command_id) as StoredCommand | undefined;
}

/** The first result of a replayed command, or a conflict when its content differs. */
export function replayOf<R>(stored: StoredCommand, command_id: string, input_hash: string): R {
  if (stored.input_hash !== input_hash) {
    throw new PaymeError(
      'command_conflict',
      'This command id was already used for a different command; nothing was changed',
      'command_id',
      { command_id, first_hash: stored.input_hash, new_hash: input_hash },
    );
  }
  return JSON.parse(stored.result) as R;
}

/**
 * Runs `body` in one IMMEDIATE transaction (so two processes on one file serialize), unless the
 * command id was seen before. `body` reads and checks state and throws a PaymeError to refuse;
 * nothing is kept then, because the whole transaction rolls back. Otherwise its event is
 * appended and projected, and the answer is recorded with the command id. A replay is answered
 * before the approving PIN is checked again, so a retry never counts as a wrong PIN.
 */
export function runCommand<T extends EventType, R>(
  ctx: LedgerContext,
  name: string,
  input: CommandInput,
  body: (auth: CommandAuth) => CommandOutcome<T, R>,
): R {
  const input_hash = commandHash(name, input);
  let approver_id: string | undefined;
  if (input.approval !== undefined) {
    // Only a command with an approving PIN looks before the transaction: without one, the check
    // under the write lock below answers a replay just the same.
    const seen = findCommand(ctx, input.command_id);
    if (seen !== undefined) return replayOf<R>(seen, input.command_id, input_hash);
    approver_id = verifyApproval(ctx, input.approval);
  }
  return immediateTransaction(ctx, (): R => {
    // Checked again under the write lock: another process may have run this id meanwhile.
    const stored = findCommand(ctx, input.command_id);
    if (stored !== undefined) return replayOf<R>(stored, input.command_id, input_hash);
    const outcome = body(commandAuth(requireActor(ctx, input.actor_id), approver_id));
    const appended = appendEvent(ctx, {
      type: outcome.event.type,
      payload: outcome.event.payload,
      actor_id: input.actor_id,
      approver_id: outcome.event.approver_id,
      command_id: input.command_id,
    });
    projectEvent(ctx, appended.event, appended.seq, appended.payload_json);
    const result = outcome.result(appended);
    sql(ctx, 'INSERT INTO commands (command_id, name, input_hash, result, seq) VALUES (?, ?, ?, ?, ?)').run(
      input.command_id,
      name,
      input_hash,
      JSON.stringify(result),
      appended.seq,
    );
    return result;
  });
}
