/**
 * Real processes on one database file (issue 3 acceptance):
 * - concurrency: two till processes race to sell the last units under "block": never oversold;
 * - crash safety: a till process completing sales is killed with SIGKILL at random moments, 100
 *   times; after each restart verifyLedger() is clean, no sale is half-written, receipts stay
 *   gapless, and every sale the child acknowledged before the kill is there.
 */
import { rawDb } from './raw-db.js';
import { copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, SeededRandom } from '@payme/shared';
import { openLedger } from './ledger.js';
import { createTestTill, ids, tempDir } from '../../test/ledger-fixture.js';
import { bundleChild, spawnChild, waitForLine } from '../../test/child-process.js';

let dir: string;
let bundle: string;
beforeAll(async () => {
  dir = tempDir('payme-processes-');
  bundle = await bundleChild(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tillFile(name: string, soap: number): string {
  const till = createTestTill({ stock: { [ids.soap]: soap } });
  till.ledger.close();
  const file = path.join(dir, name);
  copyFileSync(till.file, file);
  till.cleanup();
  return file;
}

describe('two processes racing for the last units', () => {
  it('sell exactly the stock there is, never more', async () => {
    const stock = 12;
    const file = tillFile('race.db', stock);
    const children = [spawnChild(bundle, ['race', file, '10']), spawnChild(bundle, ['race', file, '10'])];
    const outputs: string[][] = [[], []];
    const ready = children.map((child, index) => waitForLine(child, 'ready', (line) => outputs[index]!.push(line)));
    await Promise.all(ready);
    const done = children.map((child) => waitForLine(child, 'done'));
    for (const child of children) child.stdin.write('go\n');
    await Promise.all(done);
    const sold = outputs.flat().filter((line) => line === 'sold').length;
    const refused = outputs.flat().filter((line) => line.startsWith('refused'));
    expect(sold).toBe(stock);
    expect(new Set(refused)).toEqual(new Set(['refused stock_insufficient']));
    // Both processes got to sell: the race really was a race.
    expect(outputs.every((lines) => lines.includes('sold'))).toBe(true);
    const ledger = openLedger({ path: file, clock: new ManualClock(), random: new SeededRandom(1) });
    expect(ledger.stockOnHand({ product_ids: [ids.soap] }).levels[0]!.on_hand).toBe(0);
    expect(ledger.verifyLedger()).toEqual([]);
    ledger.close();
  }, 60_000);
});

const crash_kills = Number(process.env['LEDGER_CRASH_KILLS'] ?? 100);
// Each round is one cold start of a Node process (about 0.15 s of CPU) up to its first durable
// sale; on an idle machine a round takes about 0.5 s of wall time, but on a loaded one (CI, or two
// suites at once) 1.8 s was measured, and 100 rounds overran a fixed 180 s budget although every
// round passed. The budget is per round: the wall time of a round is the machine's, not the ledger's.
const crash_round_budget_ms = 4_000;

describe('SIGKILL at random moments', () => {
  it('loses no acknowledged sale and leaves no half sale, over 100 kills', async () => {
    const kills = crash_kills;
    const file = tillFile('crash.db', 1_000_000);
    const random = new SeededRandom(7);
    const acknowledged = new Map<string, string>();
    let maxSales = 0;
    for (let round = 0; round < kills; round += 1) {
      const child = spawnChild(bundle, ['crash', file]);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // Kill only once this round has acknowledged a sale, so every kill lands while sales are
      // being written, however slow a loaded machine starts the child.
      let firstAck: () => void = () => undefined;
      const selling = new Promise<void>((resolve) => (firstAck = resolve));
      waitForLine(child, 'never', (line) => {
        const [word, sale_id, receipt_no] = line.split(' ');
        if (word === 'ack' && sale_id && receipt_no) {
          acknowledged.set(sale_id, receipt_no);
          firstAck();
        }
      }).catch(() => undefined);
      await Promise.race([selling, exited]);
      await new Promise((resolve) => setTimeout(resolve, random.int(0, 30)));
      child.kill('SIGKILL');
      await exited;
      const ledger = openLedger({ path: file, clock: new ManualClock(), random: new SeededRandom(round) });
      expect(ledger.verifyLedger()).toEqual([]);
      for (const [sale_id, receipt_no] of acknowledged) expect(ledger.getSale({ sale_id }).sale.receipt_no).toBe(receipt_no);
      const today = rawDb(ledger).prepare('SELECT receipt_no FROM sales ORDER BY seq').all() as { receipt_no: string }[];
      today.forEach((row, index) => expect(row.receipt_no).toBe(`T1-${String(index + 1).padStart(6, '0')}`));
      maxSales = today.length;
      ledger.close();
    }
    // The kills landed while sales were being written, not only before the first one.
    expect(acknowledged.size).toBeGreaterThanOrEqual(kills);
    expect(maxSales).toBeGreaterThanOrEqual(acknowledged.size);
  }, crash_kills * crash_round_budget_ms);
});
