// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { FakeTill } from './fake-transport.js';

describe('the fake till (test double)', () => {
  it('refuses what the shared schema refuses, naming the field, so it cannot drift from the contract', async () => {
    const fake = new FakeTill();
    await expect(fake.call('lookupBarcode', { barcode: 'has space' })).rejects.toMatchObject({ code: 'invalid_input', field: 'barcode' });
    await expect(fake.call('completeSale', { command_id: 'x' } as never)).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(fake.call('lock', { extra: 1 } as never)).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringContaining('unknown field: extra') });
  });
});
