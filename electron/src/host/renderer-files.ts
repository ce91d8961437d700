/**
 * Where the built cashier app is: `renderer/dist/till` of this repository (vite build), or a
 * folder given on the command line (an installed app ships it beside main).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

export const default_renderer_dir = path.resolve(import.meta.dirname, '../../../renderer/dist/till');

export const build_renderer_hint = 'Build it first: `npm run build -w @payme/renderer` (from the repository root).';

export function rendererBuilt(dir: string): boolean {
  return existsSync(path.join(dir, 'index.html'));
}
