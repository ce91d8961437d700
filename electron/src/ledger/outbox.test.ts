import { rawDb } from './raw-db.js';
import { afterEach, describe, expect, it } from 'vitest';
import { PaymeError } from '@payme/shared';
import { createTestTill, ids, type TestTill } from '../../test/ledger-fixture.js';
import { createContext } from './context.js';
import { appendEvent, event_schema_checks, type NewEvent } from './outbox.js';

let till: TestTill;
afterEach(() => {
  event_schema_checks.enabled = true;
  till?.cleanup();
});

function appendMalformed(): unknown {
  const ctx = createContext(rawDb(till.ledger), till.clock, till.random);
  // A stock receipt whose line misses its quantity: the shape no builder may ever produce.
  const event = {
    type: 'stock_received',
    payload: { receipt_id: till.id(), lines: [{ product_id: ids.soap }] },
    actor_id: ids.manager,
    command_id: till.id(),
  } as unknown as NewEvent<'stock_received'>;
  return rawDb(till.ledger).transaction(() => appendEvent(ctx, event)).immediate();
}

describe('appendEvent schema check', () => {
  it('is on under the test runner, so every command in the unit tests is schema-checked', () => {
    expect(event_schema_checks.enabled).toBe(true);
  });

  it('refuses a malformed event and writes nothing when on; is skipped when off (the till hot path)', () => {
    till = createTestTill();
    const head = till.ledger.chainHead();
    expect(appendMalformed).toThrow(PaymeError);
    expect(appendMalformed).toThrow(/quantity/);
    expect(till.ledger.chainHead()).toEqual(head);
    event_schema_checks.enabled = false;
    appendMalformed();
    expect(till.ledger.chainHead().seq).toBe(head.seq + 1);
  });
});
