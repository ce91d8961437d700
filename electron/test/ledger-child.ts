/**
 * A till process for the crash and concurrency tests, run as a real child process.
 *   crash <db> : completes sales as fast as it can, printing `ack <sale_id> <receipt_no>` only
 *                after completeSale returned (the sale is durable then); killed with SIGKILL.
 *   race <db> <n>: waits for "go" on stdin, then tries to sell one soap n times, printing
 *                `sold` or `refused <code>` per attempt, then `done`.
 * This is a process edge, so it uses the system clock and the platform's randomness.
 */
import { writeSync } from 'node:fs';
import { PaymeError, cryptoRandom, systemClock, uuidv7 } from '@payme/shared';
import { openLedger } from '../src/ledger/ledger.js';
import { ids } from './ledger-fixture.js';

const [mode, file, countText] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: ledger-child crash|race <db> [n]');
const ledger = openLedger({ path: file, clock: systemClock, random: cryptoRandom });
const id = () => uuidv7(systemClock, cryptoRandom);

function sellOne(quantity: number) {
  // One soap (KES 99.50) rounds to KES 100; two to 199.
  const amount = quantity === 1 ? 10_000 : 19_900;
  return ledger.completeSale(ids.cashier, {
    command_id: id(),
    sale_id: id(),
    lines: [{ product_id: ids.soap, quantity }],
    tenders: [{ kind: 'cash', amount }],
  });
}

if (mode === 'crash') {
  // Written synchronously: the loop never yields, and an ack must reach the parent only after
  // completeSale returned, and before the next sale starts.
  writeSync(1, 'ready\n');
  for (let i = 0; ; i += 1) {
    const sale = sellOne(1 + (i % 2));
    writeSync(1, `ack ${sale.sale_id} ${sale.receipt_no}\n`);
  }
} else if (mode === 'race') {
  const attempts = Number(countText ?? '1');
  process.stdout.write('ready\n');
  process.stdin.once('data', () => {
    const lines: string[] = [];
    for (let i = 0; i < attempts; i += 1) {
      try {
        sellOne(1);
        lines.push('sold');
      } catch (error) {
        if (!(error instanceof PaymeError)) throw error;
        lines.push(`refused ${error.code}`);
      }
    }
    ledger.close();
    process.stdout.write(`${lines.join('\n')}\ndone\n`, () => process.exit(0));
  });
}
