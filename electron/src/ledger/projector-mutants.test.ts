/**
 * The ledger's journal property (test/ledger-journal.ts) must fail on a broken projector. Each
 * mutant below breaks the projector's sale events in one way a real change could; the property
 * is run until it finds the break (no shrinking: only the verdict matters here). The comparison
 * of the live tables with a replay catches what depends on more than the event; the invariants
 * catch what is wrong both ways.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { sql, type LedgerContext } from './context.js';
import { addStockMovement } from './balances.js';
import { businessDayOf } from './settings.js';
import { emptyStats, journalStep, journalTemplates, runJournal, type JournalTemplates } from '../../test/ledger-journal.js';

type Mutant = 'none' | 'business day from the clock' | 'own serialisation on replay' | 'refund restocks one short';
const mutant = vi.hoisted(() => ({ current: 'none' as Mutant }));

vi.mock('./projector-sales.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('./projector-sales.js')>();
  return {
    ...real,
    projectSaleCompleted: (ctx: LedgerContext, event: Parameters<typeof real.projectSaleCompleted>[1], seq: number, payload_json: string | undefined) => {
      if (mutant.current === 'own serialisation on replay') return real.projectSaleCompleted(ctx, event, seq, payload_json ?? JSON.stringify(event.payload));
      real.projectSaleCompleted(ctx, event, seq, payload_json);
      // The business day of whenever the projector runs, not of when the sale happened.
      if (mutant.current === 'business day from the clock') sql(ctx, 'UPDATE sales SET business_date = ? WHERE seq = ?').run(businessDayOf(ctx, ctx.clock.now()), seq);
    },
    projectSaleRefunded: (ctx: LedgerContext, event: Parameters<typeof real.projectSaleRefunded>[1], seq: number) => {
      real.projectSaleRefunded(ctx, event, seq);
      if (mutant.current === 'refund restocks one short') addStockMovement(ctx, seq, event.payload.lines[0]!.product_id, -1, 'refund');
    },
  };
});

let templates: JournalTemplates;
beforeAll(() => {
  templates = journalTemplates();
});

/** Runs the property; a failure is thrown as the check that failed (its seed printed as a mutant's catch). */
function runProperty(numRuns: number): void {
  fc.assert(
    fc.property(fc.array(journalStep, { minLength: 3, maxLength: 12 }), fc.integer({ min: 1, max: 2 ** 30 }), (steps, seed) => runJournal(templates, steps, seed, emptyStats())),
    {
      numRuns,
      endOnFailure: true,
      reporter: (details) => {
        const verdict = details.failed ? `caught after ${details.numRuns} runs` : `${details.numRuns} runs passed`;
        console.log(`fast-check (projector mutant: ${mutant.current}): ${verdict}, seed ${details.seed} (replay: FC_SEED=${details.seed})`);
        if (details.failed) throw details.errorInstance;
      },
    },
  );
}

describe('the journal property on a broken projector', () => {
  it('passes through the unbroken projector behind the mock', () => {
    mutant.current = 'none';
    runProperty(100);
  });

  it.each([
    // Caught by the replay: the live till and the replay, days later, disagree on the sale's day.
    ['business day from the clock', /deeply equal/],
    // Caught by the replay: the sale row the replay writes is not the bytes the live till wrote.
    ['own serialisation on replay', /deeply equal/],
    // Caught by the invariants: both ways agree, and both disagree with DESIGN §4's formula.
    // (vitest prints a zero as +0: "expected +0 to be 1"; the pattern once missed it, a flaky failure.)
    ['refund restocks one short', /expected [+-]?\d+ to be [+-]?\d+/],
  ] as const)('fails when the projector is broken: %s', (name, failure) => {
    mutant.current = name;
    try {
      runProperty(1_000);
    } catch (error) {
      expect(String(error)).toMatch(failure);
      return;
    } finally {
      mutant.current = 'none';
    }
    expect.unreachable(`the property passed with the projector broken (${name})`);
  });
});
