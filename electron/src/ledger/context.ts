/**
 * What every ledger module is handed: the one writer connection, the injected clock and random
 * source (DESIGN §2), and a cache of prepared statements so a sale does not re-parse its SQL.
 */
import { verifySecret, type Clock, type Random } from '@payme/shared';
import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';

export interface LedgerContext {
  readonly db: Db;
  readonly clock: Clock;
  readonly random: Random;
  readonly statements: Map<string, Statement>;
  /**
   * Checks a PIN against its stored slow hash. The ledger is synchronous, so by default this
   * hashes in place; the till host hands in one that answers from checks it already ran off the
   * main thread (host/pin-checks.ts).
   */
  readonly verifyPin: PinVerifier;
}

export type PinVerifier = (pin: string, pin_hash: string) => boolean;

export function createContext(db: Db, clock: Clock, random: Random, verifyPin: PinVerifier = verifySecret): LedgerContext {
  return { db, clock, random, statements: new Map(), verifyPin };
}

/** A prepared statement for this SQL text, prepared once per connection. */
export function sql(ctx: LedgerContext, text: string): Statement {
  let statement = ctx.statements.get(text);
  if (statement === undefined) {
    statement = ctx.db.prepare(text);
    ctx.statements.set(text, statement);
  }
  return statement;
}

type Runner = <R>(body: () => R) => R;
const immediate_runners = new WeakMap<Db, Runner>();

/**
 * Runs `body` in an IMMEDIATE transaction (a savepoint when already inside one). better-sqlite3
 * builds four wrapper functions per `db.transaction(fn)`, so the wrapper is made once per
 * connection and handed the body, instead of once per command.
 */
export function immediateTransaction<R>(ctx: LedgerContext, body: () => R): R {
  let run = immediate_runners.get(ctx.db);
  if (run === undefined) {
    const wrapped = ctx.db.transaction((thunk: () => unknown) => thunk());
    run = (<T,>(thunk: () => T): T => wrapped.immediate(thunk) as T) as Runner;
    immediate_runners.set(ctx.db, run);
  }
  return run(body);
}
