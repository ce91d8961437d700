/**
 * Property test (issues 3 and 14): 1,000 random command sequences (test/ledger-journal.ts). After
 * EVERY command: cached stock and credit equal the formula of DESIGN §4 computed independently
 * from the journal, the outbox seq is gapless, the hash chain verifies, and a refused command (or
 * a replay) changed nothing at all. After each sequence its outbox is replayed through the
 * projector into the till before its first event, and every table equals the live till's (the
 * one writer). projector-mutants.test.ts shows the check failing on broken projectors.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { event_types } from '@payme/shared';
import { event_schema_checks } from './outbox.js';
import { emptyStats, journalStep, journalTemplates, runJournal, type JournalTemplates } from '../../test/ledger-journal.js';

const sequences = Number(process.env['LEDGER_PROPERTY_RUNS'] ?? 1_000);

let templates: JournalTemplates;
beforeAll(() => {
  templates = journalTemplates();
});

describe('ledger invariants', () => {
  // appendEvent's own schema check is off here, so a malformed event reaches the invariant check
  // and fails there, instead of being thrown inside a command and counted as a refusal.
  const checksBefore = event_schema_checks.enabled;
  beforeAll(() => {
    event_schema_checks.enabled = false;
  });
  afterAll(() => {
    event_schema_checks.enabled = checksBefore;
  });

  it(`hold after every command of ${sequences} random sequences, and a replay of each journal rebuilds every table`, () => {
    const stats = emptyStats();
    fc.assert(
      fc.property(fc.array(journalStep, { minLength: 3, maxLength: 12 }), fc.integer({ min: 1, max: 2 ** 30 }), (steps, seed) => runJournal(templates, steps, seed, stats)),
      { numRuns: sequences },
    );
    expect(stats.sequences).toBeGreaterThanOrEqual(sequences);
    // The generator must exercise both paths, or the "changed nothing" check proves nothing.
    expect(stats.refusals).toBeGreaterThan(stats.commands / 20);
    expect(stats.commands - stats.refusals).toBeGreaterThan(stats.commands / 3);
    // Every event a till command makes was replayed (the server makes reversal requests).
    if (sequences >= 1_000) expect(event_types.filter((type) => type !== 'mpesa_reversal_requested' && !stats.events.has(type))).toEqual([]);
  }, 480_000);
});
