// @vitest-environment node
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadTillProfile } from './till-profile.js';
import { test_profile } from './testing/fake-fixtures.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('loading the till profile', () => {
  it('asks the Electron preload when there is one', async () => {
    const win = { payme: { call: async () => ({}), profile: async () => test_profile } } as unknown as Window;
    await expect(loadTillProfile(win, 'ipc')).resolves.toEqual(test_profile);
  });

  it('fetches till-profile.json from the browser host', async () => {
    const fetch = vi.fn(async () => ({ json: async () => test_profile }));
    vi.stubGlobal('fetch', fetch);
    await expect(loadTillProfile({} as Window, 'http')).resolves.toEqual(test_profile);
    expect(fetch).toHaveBeenCalledWith('./till-profile.json');
  });

  it('falls back to an empty staff list when the host gives nothing usable', async () => {
    vi.stubGlobal('fetch', async () => ({ json: async () => ({ shop_name: '' }) }));
    await expect(loadTillProfile({} as Window, 'http')).resolves.toMatchObject({ staff: [] });
    vi.stubGlobal('fetch', async () => { throw new TypeError('Failed to fetch'); });
    await expect(loadTillProfile({} as Window, 'http')).resolves.toMatchObject({ staff: [] });
  });
});
