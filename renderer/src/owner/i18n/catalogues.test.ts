// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { sw } from './sw.js';
import { keyPaths, wordAt } from '../../common/catalogue-keys.js';

describe('the owner view catalogues', () => {
  it('English and Swahili have exactly the same keys, and no word is empty', () => {
    expect(keyPaths(sw).sort()).toEqual(keyPaths(en).sort());
    for (const path of keyPaths(sw)) {
      const word = wordAt(sw, path);
      if (typeof word === 'string') expect(word.trim(), path).not.toBe('');
    }
    expect([sw.page.sales, sw.page.stock, sw.page.customers]).toEqual(['Mauzo', 'Stoo', 'Wateja']);
  });
});
