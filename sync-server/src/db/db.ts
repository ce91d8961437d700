/**
 * The database layer (DESIGN §6): one interface over PostgreSQL (`pg`, production) and PGlite
 * (embedded Postgres, the default), running the same SQL on both.
 *
 * PGlite is one connection: every top-level query and transaction takes one async mutex so two
 * requests never interleave inside a transaction. On PostgreSQL each transaction holds its own
 * pooled client at READ COMMITTED; code that must serialise locks rows explicitly
 * (`SELECT … FOR UPDATE`, `UPDATE … RETURNING`) and a serialisation failure or deadlock reruns
 * the whole transaction a few times.
 */
import { mkdir } from 'node:fs/promises';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';

export interface Db {
  kind: 'pglite' | 'postgres';
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** Runs `fn` in one transaction; inside a transaction this runs `fn` inline (no savepoint). */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** Runs a multi-statement script without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Subscribes to a NOTIFY channel (PostgreSQL: one dedicated connection; PGlite: in-process).
   * Returns the function that unsubscribes.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /**
   * Inside a transaction: runs its last statement and its COMMIT in one round trip (PostgreSQL),
   * so the locks the transaction holds are released by the database the moment the statement
   * ends, without waiting for this process to read the result and answer COMMIT. Nothing may run
   * in the transaction after it. Parameters must be strings, finite numbers or null. PGlite runs
   * in this process, so there it is a plain query and the usual COMMIT follows.
   */
  commitWith?<R = Record<string, unknown>>(sql: string, params: unknown[]): Promise<R[]>;
  /**
   * A statement that goes ahead of the transactions waiting their turn. PGlite: before every
   * transaction waiting for its one connection. PostgreSQL: on a connection of its own, kept for
   * these statements, so it never waits for a pool whose clients pushes hold (issue 16). Inside a
   * transaction there is none: use `query`. For acknowledgements only: what someone outside waits
   * on and whose work is one short autocommitted statement.
   */
  queryAhead?<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /**
   * PGlite only: a CHECKPOINT and then the data folder as PGlite's gzipped tar, between two
   * statements (nothing else runs meanwhile), so a running server can back itself up.
   */
  dumpDataDir?(): Promise<Uint8Array>;
  /** True for the handle a transaction hands to its callback. */
  readonly inTransaction: boolean;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  /** PostgreSQL pool size, for queries and transactions; `queryAhead` has its connection besides. */
  poolSize?: number;
}

/**
 * PostgreSQL connections kept for `queryAhead`, beside the pool: the raw callback writer runs one
 * INSERT at a time, so one is enough; a second caller waits only for that statement.
 */
const ahead_connections = 1;

/** Deadlock and serialisation failures: the transaction did nothing and may simply run again. */
const retryable_sqlstates = new Set(['40001', '40P01']);
const transaction_attempts_max = 5;

const int8_oid = 20;

/** bigint columns (sequence numbers, cents) come back as JS numbers; they stay far below 2^53. */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`bigint ${text} exceeds the safe integer range`);
  return value;
}

export async function openDb(options: OpenDbOptions = {}): Promise<Db> {
  const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
  if (databaseUrl) return openPostgres(databaseUrl, options.poolSize ?? 10);
  return openPglite(options.dataDir);
}

/** The SQLSTATE of a driver error, when it has one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

// ---------------------------------------------------------------- PostgreSQL

function openPostgres(connectionString: string, max: number): Db {
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') =>
      oid === int8_oid ? parseInt8 : pg.types.getTypeParser(oid, format ?? 'text'),
  };
  const pool = new pg.Pool({ connectionString, max, types: types as never });
  // An idle client that errors (server restart) must not crash the process; the pool drops it.
  pool.on('error', () => undefined);
  // Acknowledgements' own connection: during a catch-up storm every pooled client can be held by
  // pushes and their queue, and a callback's raw INSERT queued behind them waited up to half a
  // second for a client (ingest-storm). Kept open while idle (no reconnect before a callback),
  // without holding the process open.
  const aheadPool = new pg.Pool({ connectionString, max: ahead_connections, idleTimeoutMillis: 0, allowExitOnIdle: true, types: types as never });
  aheadPool.on('error', () => undefined);

  const clientDb = (client: pg.PoolClient, state: { committed: boolean }): Db => {
    const db: Db = {
      kind: 'postgres',
      inTransaction: true,
      query: async <R>(sql: string, params?: unknown[]) => {
        if (state.committed) throw new Error('this transaction already committed');
        return (await client.query(sql, params as unknown[])).rows as R[];
      },
      commitWith: async <R>(sql: string, params: unknown[]) => {
        if (state.committed) throw new Error('this transaction already committed');
        // One simple-protocol message, two statements: the server runs COMMIT right after the
        // statement (or skips it when the statement fails, leaving the rollback to the caller).
        const results = (await client.query(`${inlineParams(sql, params)};\nCOMMIT`)) as unknown as pg.QueryResult[];
        state.committed = true;
        return (results[0]?.rows ?? []) as R[];
      },
      transaction: (fn) => fn(db),
      exec: async (sql) => {
        await client.query(sql);
      },
      listen: () => Promise.reject(new Error('listen is not available inside a transaction')),
      close: () => Promise.reject(new Error('close the database, not a transaction')),
    };
    return db;
  };

  return {
    kind: 'postgres',
    inTransaction: false,
    query: async <R>(sql: string, params?: unknown[]) => (await pool.query(sql, params as unknown[])).rows as R[],
    queryAhead: async <R>(sql: string, params?: unknown[]) => (await aheadPool.query(sql, params as unknown[])).rows as R[],
    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      for (let attempt = 1; ; attempt += 1) {
        const client = await pool.connect();
        const state = { committed: false };
        try {
          await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
          const result = await fn(clientDb(client, state));
          if (!state.committed) await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          if (attempt < transaction_attempts_max && retryable_sqlstates.has(sqlState(error) ?? '')) continue;
          throw error;
        } finally {
          client.release();
        }
      }
    },
    exec: async (sql) => {
      await pool.query(sql);
    },
    async listen(channel, onPayload) {
      const client = await pool.connect();
      const handler = (message: pg.Notification) => {
        if (message.channel === channel) onPayload(message.payload ?? '');
      };
      client.on('notification', handler);
      await client.query(`LISTEN ${quoteIdentifier(channel)}`);
      return async () => {
        client.off('notification', handler);
        await client.query(`UNLISTEN ${quoteIdentifier(channel)}`).catch(() => undefined);
        client.release();
      };
    },
    close: async () => {
      await Promise.all([pool.end(), aheadPool.end()]);
    },
  };
}

/**
 * A literal for a simple-protocol statement. The E'' form reads the same whatever the server's
 * standard_conforming_strings: backslashes and quotes doubled, nothing else special.
 */
function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' && Number.isFinite(value)) return `'${String(value)}'`;
  if (typeof value !== 'string') throw new TypeError(`commitWith: parameters must be strings, numbers or null, got ${typeof value}`);
  if (value.includes('\u0000')) throw new TypeError('commitWith: a parameter holds a NUL character');
  return `E'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/** Replaces `$1`…`$n` (never inside the statement's own literals: callers' SQL has none). */
function inlineParams(sql: string, params: readonly unknown[]): string {
  return sql.replace(/\$(\d+)/g, (_match, digits: string) => {
    const index = Number(digits) - 1;
    if (index < 0 || index >= params.length) throw new RangeError(`commitWith: no parameter $${digits}`);
    return sqlLiteral(params[index]);
  });
}

function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe channel name ${name}`);
  return `"${name}"`;
}

// ---------------------------------------------------------------- PGlite

const json_oid = 114;

/**
 * json parameters go to PGlite as their UTF-8 bytes in binary format (json's binary form is its
 * text). As strings, PGlite measures each one's UTF-8 length with a loop over its characters,
 * twice; a push's rows travel as a few JSON parameters of hundreds of kilobytes, and that loop
 * was a tenth of the time a push spent on PGlite.
 */
const pglite_query_options = {
  serializers: {
    // PGlite's type says serializers return strings; its bind sends any byte view as binary.
    [json_oid]: ((value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value))) as unknown as (value: unknown) => string,
  },
};

/**
 * An async mutex: PGlite has one connection, so one transaction at a time, in arrival order,
 * except that a statement asked `ahead` goes before every one still waiting (never before the
 * one running): a callback's acknowledgement does not wait behind a queue of pushes (DESIGN §7).
 */
class Mutex {
  private busy = false;
  private readonly ahead: (() => void)[] = [];
  private readonly waiting: (() => void)[] = [];

  async run<T>(fn: () => Promise<T>, ahead = false): Promise<T> {
    if (this.busy) await new Promise<void>((resolve) => (ahead ? this.ahead : this.waiting).push(resolve));
    this.busy = true;
    try {
      return await fn();
    } finally {
      const next = this.ahead.shift() ?? this.waiting.shift();
      // The slot passes straight to the next in line (busy stays true), so nobody slips in between.
      if (next) next();
      else this.busy = false;
    }
  }
}

async function openPglite(dataDir: string | undefined): Promise<Db> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const lite = await PGlite.create(dataDir ? { dataDir, parsers: { [int8_oid]: parseInt8 } } : { parsers: { [int8_oid]: parseInt8 } });
  const mutex = new Mutex();
  let closed = false;

  const run = async <R>(sql: string, params?: unknown[]) => (await lite.query<R>(sql, params, pglite_query_options)).rows;

  const txDb: Db = {
    kind: 'pglite',
    inTransaction: true,
    query: run,
    commitWith: run,
    transaction: (fn) => fn(txDb),
    exec: async (sql) => {
      await lite.exec(sql);
    },
    listen: () => Promise.reject(new Error('listen is not available inside a transaction')),
    close: () => Promise.reject(new Error('close the database, not a transaction')),
  };

  return {
    kind: 'pglite',
    inTransaction: false,
    query: (sql, params) => mutex.run(() => run(sql, params)),
    queryAhead: (sql, params) => mutex.run(() => run(sql, params), true),
    transaction: (fn) =>
      mutex.run(async () => {
        await lite.query('BEGIN');
        try {
          const result = await fn(txDb);
          await lite.query('COMMIT');
          return result;
        } catch (error) {
          await lite.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }),
    exec: (sql) =>
      mutex.run(async () => {
        await lite.exec(sql);
      }),
    dumpDataDir: () =>
      mutex.run(async () => {
        await lite.query('CHECKPOINT');
        return new Uint8Array(await (await lite.dumpDataDir('gzip')).arrayBuffer());
      }),
    async listen(channel, onPayload) {
      const unsubscribe = await mutex.run(() => lite.listen(quoteIdentifier(channel).slice(1, -1), onPayload));
      return async () => {
        if (!closed) await mutex.run(() => unsubscribe());
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      await mutex.run(() => lite.close());
    },
  };
}
