/**
 * Bundles Electron main (ESM) and the sandboxed preload (one CommonJS file: a sandboxed preload
 * cannot load other modules) into dist/electron/. better-sqlite3 stays external: it is a native
 * module that must be rebuilt for Electron's ABI (`npx @electron/rebuild -w better-sqlite3`)
 * before the app can run, which needs the Electron headers this machine cannot download.
 */
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '../..');
export const electron_out_dir = path.join(root, 'dist/electron');

const common = { bundle: true, platform: 'node' as const, target: 'node22', sourcemap: true, logLevel: 'warning' as const, external: ['electron', 'better-sqlite3'] };

/** Builds both bundles and returns the path of main, the file to hand the Electron binary. */
export async function buildElectron(): Promise<string> {
  const main = path.join(electron_out_dir, 'main.mjs');
  await build({
    ...common,
    entryPoints: [path.join(root, 'src/main/main.ts')],
    format: 'esm',
    outfile: main,
    // Bundled CommonJS dependencies call require(); give the ESM bundle one.
    banner: { js: "import { createRequire as __payme_createRequire } from 'node:module'; const require = __payme_createRequire(import.meta.url);" },
  });
  await build({ ...common, entryPoints: [path.join(root, 'src/preload/preload.ts')], format: 'cjs', outfile: path.join(electron_out_dir, 'preload.cjs') });
  return main;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const main = await buildElectron();
  process.stdout.write(`built ${main} and preload.cjs\n`);
}
