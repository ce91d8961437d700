/**
 * One simulated till: the real ledger on a real SQLite file and the real sync agent, talking to
 * the server through the simulated network. It can be restarted (close + reopen: the agent's
 * memory is lost, the journal is not) and restored from a backup copy of its database file.
 */
import { rawDb } from '@payme/till/ledger/raw-db';
import { copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { enrollResponseSchema, uuidv7, type ManualClock, type SeededRandom } from '@payme/shared';
import { openLedger, type Ledger } from '@payme/till/ledger';
import { ManualScheduler, SyncAgent, ledgerForSync, type SyncLedger, type SyncTransport } from '@payme/till/sync';
import type { SimNetwork } from './sim-network.js';

/** Lets a test swap in a deliberately broken agent (the simulation must catch it). */
export type AgentSabotage = (parts: { port: SyncLedger; transport: SyncTransport; ledger: Ledger }) => { port: SyncLedger; transport: SyncTransport };

export class SimTill {
  ledger!: Ledger;
  agent!: SyncAgent;
  token: string | null = null;
  till_id = '';
  restarts = 0;
  private backupFile: string | null = null;
  /**
   * Set by a restore: like `payme-till restore`, the till does not sell until it has been online
   * once after the restore (a pull succeeded and any recovery finished), so it never issues
   * receipt numbers the server already holds from the lost disk (DESIGN §5).
   */
  restoredAtMs: number | null = null;

  constructor(
    readonly index: number,
    readonly file: string,
    private readonly clock: ManualClock,
    readonly random: SeededRandom,
    private readonly network: SimNetwork,
    private readonly sabotage?: AgentSabotage,
  ) {
    this.open();
  }

  id(): string {
    return uuidv7(this.clock, this.random);
  }

  private open(): void {
    this.ledger = openLedger({ path: this.file, clock: this.clock, random: this.random });
    let port = ledgerForSync(this.ledger);
    let transport = this.network.transportFor(this.index, () => this.token);
    if (this.sabotage) ({ port, transport } = this.sabotage({ port, transport, ledger: this.ledger }));
    this.agent = new SyncAgent({
      ledger: port,
      transport,
      clock: this.clock,
      random: this.random,
      // The simulation drives the steps itself; the scheduler is never slept on.
      scheduler: new ManualScheduler(this.clock),
      config: { pull_wait_seconds: 0, push_batch_events: 50 },
      onReenrolled: (enrollment) => {
        this.token = enrollment.device_token;
      },
    });
  }

  /** Enrolls through the real route (faults must be off) and opens a shift. */
  async enroll(code: string, cashier_id: string): Promise<void> {
    const answer = await this.network.transportFor(this.index, () => null).enroll({ code, name: `Till ${this.index + 1}` });
    if (answer.status !== 200) throw new Error(`enrollment of till ${this.index} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    const enrollment = enrollResponseSchema.parse(answer.body);
    this.token = enrollment.device_token;
    this.till_id = enrollment.till_id;
    this.ledger.setIdentity({
      till_id: enrollment.till_id,
      business_id: enrollment.business_id,
      store_id: enrollment.store_id,
      receipt_prefix: enrollment.receipt_prefix,
      epoch: enrollment.epoch,
      server_public_key: enrollment.server_public_key,
    });
    // The catalog and staff arrive through the feed before the first sale.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const outcome = await this.agent.pullStep(0);
      if (outcome.kind === 'idle') break;
    }
    this.ledger.openShift(cashier_id, { command_id: this.id(), shift_id: this.id(), float: 500_000 });
  }

  /** Close and reopen, as a till PC restarting would: in-memory sync state is lost. */
  restart(): void {
    this.ledger.close();
    this.open();
    // A restore still waiting to go online stays waiting (its pull time was in the old agent).
    if (this.restoredAtMs !== null) this.restoredAtMs = this.clock.now();
    this.restarts += 1;
  }

  /** A copy of the database file as it is now (SQLite's own consistent copy). */
  backup(dir: string): void {
    this.backupFile = path.join(dir, `till-${this.index}-backup.db`);
    rmSync(this.backupFile, { force: true });
    rawDb(this.ledger).exec(`VACUUM INTO '${this.backupFile.replaceAll("'", "''")}'`);
  }

  get hasBackup(): boolean {
    return this.backupFile !== null;
  }

  /**
   * The disk died: the backup replaces the database file, marked restored as `payme-till
   * restore` marks it (DESIGN §5), so the agent recovers before it pushes. `forcedOffline` is
   * `--force-offline`: the till sells at once, in a new receipt series, until it has recovered;
   * otherwise it waits to be online first (the CLI recovers before it lets the till start).
   */
  restoreBackup(forcedOffline = false): void {
    if (this.backupFile === null) throw new Error('no backup to restore');
    this.ledger.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${this.file}${suffix}`, { force: true });
    copyFileSync(this.backupFile, this.file);
    this.backupFile = null;
    this.open();
    this.ledger.markRestored({ forced_offline: forcedOffline });
    this.restoredAtMs = forcedOffline ? null : this.clock.now();
  }

  /** False while a restore still has to go online first. */
  canSell(): boolean {
    if (this.restoredAtMs === null) return true;
    const lastPull = this.agent.status().last_pull_at;
    if (this.agent.detail().mode === 'syncing' && lastPull !== null && Date.parse(lastPull) >= this.restoredAtMs) this.restoredAtMs = null;
    return this.restoredAtMs === null;
  }

  close(): void {
    this.ledger.close();
  }
}
