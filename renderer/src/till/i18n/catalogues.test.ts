// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { sw } from './sw.js';
import { keyPaths, wordAt } from '../../common/catalogue-keys.js';

describe('the message catalogues', () => {
  it('English and Swahili have exactly the same keys', () => {
    expect(keyPaths(sw).sort()).toEqual(keyPaths(en).sort());
  });

  it('no Swahili word is empty, and the UX glossary words are the ones used', () => {
    for (const path of keyPaths(sw)) {
      const word = wordAt(sw, path);
      if (typeof word === 'string') expect(word.trim(), path).not.toBe('');
    }
    expect([sw.total, sw.change, sw.balance, sw.receipt, sw.tender_kind.cash, sw.credit, sw.stock, sw.shift, sw.customer, sw.product, sw.pay, sw.sell]).toEqual([
      'Jumla', 'Chenji', 'Salio', 'Risiti', 'Pesa taslimu', 'Deni', 'Stoo', 'Zamu', 'Mteja', 'Bidhaa', 'Lipa', 'Uza',
    ]);
    expect(sw.mpesa_paid('NLJ7RT61SV')).toBe('Imelipwa — risiti NLJ7RT61SV');
    expect(sw.mpesa_waiting).toContain('Inasubiri');
  });

  it('each Swahili word means one thing: two labels that differ in English never share their Swahili (issue 17)', () => {
    // The same term said fully or in short, or singular and plural, is one meaning.
    const meaning = (english: string) => english.toLowerCase().replace(/^qty$/, 'quantity').replace(/s$/, '');
    const meanings = new Map<string, Set<string>>();
    for (const path of keyPaths(sw)) {
      const word = wordAt(sw, path);
      const english = wordAt(en, path);
      if (typeof word !== 'string' || typeof english !== 'string') continue;
      meanings.set(word, (meanings.get(word) ?? new Set()).add(meaning(english)));
    }
    const doubled = [...meanings].filter(([, english]) => english.size > 1).map(([word, english]) => `${word}: ${[...english].join(' / ')}`);
    expect(doubled).toEqual([]);
  });
});
