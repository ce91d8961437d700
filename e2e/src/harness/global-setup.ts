/**
 * Once per e2e run: the built cashier app and owner view (rebuilt when their sources are newer) and a scratch
 * folder where the first till scenario creates the demo server's template (see demo-stack.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureRendererBuilt } from './renderer-build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    payme_e2e_dir: string;
  }
}

export default function setup(project: TestProject): () => void {
  ensureRendererBuilt();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'payme-e2e-'));
  project.provide('payme_e2e_dir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
