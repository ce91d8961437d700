/**
 * Event hashing (DESIGN §5): RFC 8785 canonical JSON, SHA-256, chained by prev_hash. Properties
 * show canonical JSON ignores key order and that any single change, removal or swap is caught
 * at the first broken seq.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  chainRecords,
  checkpointMessage,
  genesis_hash,
  hash_pattern,
  recordHash,
  sha256Hex,
  verifyChain,
  type ChainedRecord,
} from '../src/index.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Rebuilds a value with every object's keys inserted in a shuffled order (own data properties). */
function shuffleKeys(value: Json, pick: (n: number) => number): Json {
  if (Array.isArray(value)) return value.map((item) => shuffleKeys(item, pick));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  for (let i = entries.length - 1; i > 0; i -= 1) {
    const j = pick(i + 1);
    [entries[i], entries[j]] = [entries[j] as [string, Json], entries[i] as [string, Json]];
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, shuffleKeys(item, pick)]));
}

/** Independent reference for non-number structure: keys sorted by UTF-16 code units, no spaces. */
function referenceCanonical(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(referenceCanonical).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((key) => `${JSON.stringify(key)}:${referenceCanonical(value[key] as Json)}`).join(',')}}`;
}

const json = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>;

describe('canonicalJson', () => {
  it('is independent of key order, at every depth', () => {
    fc.assert(
      fc.property(json, fc.integer({ min: 0, max: 0x7fffffff }), (value, seed) => {
        let state = seed;
        const pick = (n: number): number => {
          state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
          return state % n;
        };
        expect(canonicalJson(shuffleKeys(value, pick))).toBe(canonicalJson(value));
      }),
      { numRuns: 500 },
    );
  });

  it('matches an independent reference and parses back to the same value', () => {
    fc.assert(
      fc.property(json, (value) => {
        const text = canonicalJson(value);
        expect(text).toBe(referenceCanonical(value));
        expect(canonicalJson(JSON.parse(text) as Json)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('orders keys by UTF-16 code units (RFC 8785 §3.2.3)', () => {
    // "\u20ac" (€) sorts before "\ud83d\ude00" (😀, a surrogate pair) by code units, though after it by code points.
    const value = { '😀': 3, '€': 2, '\r': 1, '1': 0, a: 4, A: 5, 'ö': 6 };
    expect(canonicalJson(value)).toBe('{"\\r":1,"1":0,"A":5,"a":4,"ö":6,"€":2,"😀":3}');
  });

  it('prints numbers as RFC 8785 does', () => {
    const cases: Array<[number, string]> = [
      [1e21, '1e+21'],
      [-0, '0'],
      [0.000001, '0.000001'],
      [1e-7, '1e-7'],
      [1e20, '100000000000000000000'],
      [4.5, '4.5'],
      [0.002, '0.002'],
      // The RFC's input literal, parsed at run time since it has more digits than a double keeps.
      [Number('333333333.33333329'), '333333333.3333333'],
      [1e-27, '1e-27'],
      [-5e-324, '-5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [9007199254740992, '9007199254740992'],
      [295147905179352830000, '295147905179352830000'],
    ];
    for (const [value, text] of cases) expect(canonicalJson(value), text).toBe(text);
  });

  it('escapes strings as RFC 8785 does', () => {
    // The RFC's own example string: "€$\u000f\nA'B\"\\\\\"/" → "€$\u000f\nA'B\"\\\\\"/".
    expect(canonicalJson('€$\u000f\nA\'B"\\\\"/')).toBe('"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"');
    expect(canonicalJson('\b\f\n\r\t\u0000\u001f\u007f\u0080')).toBe('"\\b\\f\\n\\r\\t\\u0000\\u001f\u007f\u0080"');
    expect(canonicalJson('</script> Mama Njeri — Ūmoja 🛒')).toBe('"</script> Mama Njeri — Ūmoja 🛒"');
  });

  it('refuses what JSON cannot carry', () => {
    expect(() => canonicalJson(undefined)).toThrow();
    expect(() => canonicalJson(Number.NaN)).toThrow();
    expect(() => canonicalJson({ amount: Number.NaN })).toThrow();
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow();
    expect(() => canonicalJson('\ud800')).toThrow();
    expect(() => canonicalJson({ nested: { name: 'x\udc00y' } })).toThrow();
    expect(() => canonicalJson(() => 1)).toThrow();
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => canonicalJson(loop)).toThrow();
  });

  it('treats an undefined property as absent, like JSON (so optional approver_id may be left out)', () => {
    expect(canonicalJson({ b: 1, approver_id: undefined })).toBe('{"b":1}');
  });
});

describe('sha256Hex', () => {
  it('agrees with node:crypto on UTF-8 text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
      }),
      { numRuns: 300 },
    );
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

// ---------------------------------------------------------------------------------------------
// Chains

const envelopeBody = fc.record({
  event_id: fc.uuid(),
  till_id: fc.uuid(),
  type: fc.constantFrom('sale_completed', 'stock_adjusted', 'customer_created', 'shift_opened'),
  v: fc.integer({ min: 1, max: 3 }),
  occurred_at: fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }).map((ms) => new Date(ms).toISOString()),
  actor_id: fc.uuid(),
  approver_id: fc.option(fc.uuid(), { nil: undefined }),
  payload: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }),
}, { requiredKeys: ['event_id', 'till_id', 'type', 'v', 'occurred_at', 'actor_id', 'payload'] });

const chain = fc
  .array(envelopeBody, { minLength: 1, maxLength: 8 })
  .map((bodies) => chainRecords(bodies.map((body, index) => ({ ...body, seq: index + 1 }))) as ChainedRecord[]);

type Path = Array<string | number>;

/** Every position in a record whose value can be changed: fields and nested leaves/containers. */
function paths(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...paths(item, [...prefix, i])));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out.push(...paths(item, [...prefix, key]));
  }
  return out;
}

/** A value whose canonical JSON surely differs from `old`. */
function changed(old: unknown): unknown {
  if (typeof old === 'string') return `${old}x`;
  if (typeof old === 'number') return old + 1 !== old ? old + 1 : old / 2;
  if (typeof old === 'boolean') return !old;
  if (old === null) return 0;
  if (Array.isArray(old)) return [...(old as unknown[]), null];
  return { ...(old as object), 'added by tamper': true };
}

function setAt(root: unknown, path: Path, value: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  if (Array.isArray(root)) return root.map((item, i) => (i === head ? setAt(item, rest, value) : item));
  const copy = { ...(root as Record<string, unknown>) };
  copy[head] = setAt(copy[head], rest, value);
  return copy;
}

function getAt(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], root);
}

describe('hash chains', () => {
  it('starts from 64 zeros and every hash is lowercase hex SHA-256 of the record without hash', () => {
    expect(genesis_hash).toBe('0000000000000000000000000000000000000000000000000000000000000000');
    fc.assert(
      fc.property(chain, (records) => {
        expect(records[0]?.prev_hash).toBe(genesis_hash);
        records.forEach((record, i) => {
          expect(record.hash).toMatch(hash_pattern);
          const { hash: _hash, ...rest } = record;
          expect(record.hash).toBe(createHash('sha256').update(canonicalJson(rest), 'utf8').digest('hex'));
          expect(recordHash(record)).toBe(record.hash);
          if (i > 0) expect(record.prev_hash).toBe(records[i - 1]?.hash);
        });
        expect(verifyChain(records)).toBeNull();
      }),
      { numRuns: 100 },
    );
  });

  it('detects any single changed field, nested or not, at that record', () => {
    fc.assert(
      fc.property(chain, fc.nat(), fc.nat(), (records, pickRecord, pickPath) => {
        const index = pickRecord % records.length;
        const target = records[index] as ChainedRecord;
        const candidates = paths(target);
        const path = candidates[pickPath % candidates.length] as Path;
        const tampered = [...records];
        tampered[index] = setAt(target, path, changed(getAt(target, path))) as ChainedRecord;
        const found = verifyChain(tampered);
        expect(found, JSON.stringify(path)).not.toBeNull();
        expect(found?.seq).toBe(index + 1);
        expect(found?.index).toBe(index);
      }),
      { numRuns: 500 },
    );
  });

  it('detects an added or deleted field', () => {
    fc.assert(
      fc.property(chain, fc.nat(), fc.boolean(), (records, pick, add) => {
        const index = pick % records.length;
        const target = { ...(records[index] as ChainedRecord) };
        if (add) target.note = 'slipped in';
        else delete target.actor_id;
        const tampered = records.map((record, i) => (i === index ? target : record));
        expect(verifyChain(tampered)?.seq).toBe(index + 1);
      }),
      { numRuns: 300 },
    );
  });

  it('detects a removed record (not the last) at its seq', () => {
    fc.assert(
      fc.property(chain.filter((r) => r.length >= 2), fc.nat(), (records, pick) => {
        const index = pick % (records.length - 1);
        const tampered = records.filter((_, i) => i !== index);
        const found = verifyChain(tampered);
        expect(found?.seq).toBe(index + 1);
        expect(found?.problem).toBe('seq_gap');
      }),
      { numRuns: 300 },
    );
  });

  it('a removed last record leaves a valid prefix whose head no longer matches the known head', () => {
    fc.assert(
      fc.property(chain.filter((r) => r.length >= 2), (records) => {
        // verifyChain cannot see a missing tail; the server's stored head hash does.
        const truncated = records.slice(0, -1);
        expect(verifyChain(truncated)).toBeNull();
        expect(truncated.at(-1)?.hash).not.toBe(records.at(-1)?.hash);
      }),
      { numRuns: 100 },
    );
  });

  it('detects any swapped pair of records at the first broken seq', () => {
    fc.assert(
      fc.property(chain.filter((r) => r.length >= 2), fc.nat(), fc.nat(), (records, a, b) => {
        const i = a % records.length;
        let j = b % records.length;
        if (j === i) j = (i + 1) % records.length;
        const tampered = [...records];
        [tampered[i], tampered[j]] = [records[j] as ChainedRecord, records[i] as ChainedRecord];
        const found = verifyChain(tampered);
        expect(found?.seq).toBe(Math.min(i, j) + 1);
      }),
      { numRuns: 500 },
    );
  });

  it('a record rehashed after a change still breaks the link to the next one', () => {
    fc.assert(
      fc.property(chain.filter((r) => r.length >= 2), fc.nat(), (records, pick) => {
        const index = pick % (records.length - 1);
        const target = { ...(records[index] as ChainedRecord), actor_id: 'someone-else' };
        target.hash = recordHash(target);
        const tampered = records.map((record, i) => (i === index ? target : record));
        const found = verifyChain(tampered);
        expect(found).toMatchObject({ seq: index + 2, problem: 'prev_hash_mismatch' });
      }),
      { numRuns: 200 },
    );
  });

  it('reports each kind of break with expected and actual', () => {
    const records = chainRecords([{ seq: 1, a: 1 }, { seq: 2, a: 2 }, { seq: 3, a: 3 }]) as ChainedRecord[];
    const badHash = records.map((r, i) => (i === 1 ? { ...r, a: 9 } : r));
    expect(verifyChain(badHash)).toEqual({ seq: 2, index: 1, problem: 'hash_mismatch', expected: recordHash(badHash[1] as ChainedRecord), actual: records[1]?.hash });
    const badPrev = records.map((r, i) => (i === 2 ? { ...r, prev_hash: genesis_hash } : r));
    expect(verifyChain(badPrev)).toEqual({ seq: 3, index: 2, problem: 'prev_hash_mismatch', expected: records[1]?.hash, actual: genesis_hash });
    expect(verifyChain([records[0] as ChainedRecord, records[2] as ChainedRecord])).toEqual({ seq: 2, index: 1, problem: 'seq_gap', expected: 2, actual: 3 });
    expect(verifyChain([])).toBeNull();
  });

  it('continues a chain after a known head (startSeq, startPrevHash)', () => {
    const head = sha256Hex('earlier head');
    const records = chainRecords([{ seq: 41, a: 1 }, { seq: 42, a: 2 }], head) as ChainedRecord[];
    expect(records[0]?.prev_hash).toBe(head);
    expect(verifyChain(records, 41, head)).toBeNull();
    expect(verifyChain(records, 41)).toMatchObject({ seq: 41, problem: 'prev_hash_mismatch' });
    expect(verifyChain(records)).toMatchObject({ seq: 1, problem: 'seq_gap', actual: 41 });
  });

  it('hashes the same whatever the hash field holds', () => {
    const record = { seq: 1, prev_hash: genesis_hash, a: 'x' };
    expect(recordHash({ ...record, hash: 'anything' })).toBe(recordHash(record));
  });
});

describe('checkpointMessage', () => {
  it('is the UTF-8 JCS of exactly {business_id, seq, hash}', () => {
    const hash = sha256Hex('head');
    const extra = { business_id: 'b-1', seq: 12, hash, ignored: true } as { business_id: string; seq: number; hash: string };
    const text = new TextDecoder().decode(checkpointMessage(extra));
    expect(text).toBe(`{"business_id":"b-1","hash":"${hash}","seq":12}`);
  });
});
