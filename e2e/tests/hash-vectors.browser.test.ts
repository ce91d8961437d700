/**
 * The committed event hash vectors (DESIGN §5) in Chromium, byte for byte: shared/src/hash-chain.ts
 * is bundled for the browser exactly as the renderer would ship it, and the page computes every
 * canonical string and hash itself.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromiumMissing = !existsSync(executablePath);
if (chromiumMissing) {
  console.warn(`hash-vectors.browser: skipped, no Chromium at ${executablePath} (install Debian chromium or set CHROMIUM_PATH)`);
}

const hashChainSource = fileURLToPath(new URL('../../shared/src/hash-chain.ts', import.meta.url));
const vectorsText = readFileSync(new URL('../../shared/test-vectors/event-hashes.json', import.meta.url), 'utf8');

interface HashVector {
  description: string;
  canonical: string;
  envelope: { seq: number; prev_hash: string; hash: string } & Record<string, unknown>;
}

interface PageResult {
  canonical: string;
  canonicalUtf8Hex: string;
  hash: string;
  chainBreak: unknown;
}

const vectors = JSON.parse(vectorsText) as HashVector[];

function utf8Hex(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex');
}

describe.skipIf(chromiumMissing)('event hash vectors in Chromium', () => {
  let browser: Browser | undefined;
  let results: PageResult[] = [];
  let userAgent = '';

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [hashChainSource],
      bundle: true,
      format: 'iife',
      globalName: 'PaymeHash',
      write: false,
      platform: 'browser',
      target: 'es2022',
      logLevel: 'silent',
    });
    const script = bundle.outputFiles[0]?.text;
    if (!script) throw new Error('esbuild produced no bundle for hash-chain.ts');

    browser = await chromium.launch({
      executablePath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = await browser.newPage();
    await page.goto('about:blank');
    await page.addScriptTag({ content: script });
    userAgent = await page.evaluate(() => (globalThis as unknown as { navigator: { userAgent: string } }).navigator.userAgent);
    // The vectors go in as raw JSON text and are parsed by the page, so nothing but the page's
    // own JSON.parse, canonicalisation and SHA-256 touches them.
    results = await page.evaluate((text) => {
      interface Api {
        canonicalJson(value: unknown): string;
        recordHash(record: Record<string, unknown>): string;
        verifyChain(records: unknown[]): unknown;
      }
      const api = (globalThis as unknown as { PaymeHash: Api }).PaymeHash;
      const parsed = JSON.parse(text) as Array<{ envelope: Record<string, unknown> }>;
      const chainBreak = api.verifyChain(parsed.map((vector) => vector.envelope));
      return parsed.map(({ envelope }) => {
        const { hash: _hash, ...withoutHash } = envelope;
        const canonical = api.canonicalJson(withoutHash);
        const bytes = new TextEncoder().encode(canonical);
        const canonicalUtf8Hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
        return { canonical, canonicalUtf8Hex, hash: api.recordHash(envelope), chainBreak };
      });
    }, vectorsText);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('runs in Chromium', () => {
    expect(userAgent).toMatch(/Chrom(e|ium)\//);
    expect(results).toHaveLength(vectors.length);
    expect(vectors.length).toBeGreaterThanOrEqual(8);
  });

  it.each(vectors.map((vector, index) => [vector.envelope.seq, vector.description, index] as const))(
    'vector %i (%s): same canonical bytes and hash as committed',
    (_seq, _description, index) => {
      const vector = vectors[index] as HashVector;
      const result = results[index] as PageResult;
      expect(result.canonical).toBe(vector.canonical);
      expect(result.canonicalUtf8Hex).toBe(utf8Hex(vector.canonical));
      expect(result.hash).toBe(vector.envelope.hash);
    },
  );

  it('the vectors verify as a chain in the page', () => {
    expect(results[0]?.chainBreak).toBeNull();
  });
});
