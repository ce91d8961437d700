/**
 * electron-builder.yml (repository top level) checked against electron-builder's own
 * configuration schema, the scheme.json app-builder-lib ships, with the validator options
 * electron-builder itself uses; then loaded and validated by electron-builder's own getConfig and
 * validateConfiguration (nothing is downloaded, about 1 s); and the choices DESIGN §13 asks of it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

const repository = path.resolve(import.meta.dirname, '../../..');
const configText = readFileSync(path.join(repository, 'electron-builder.yml'), 'utf8');
interface BuilderConfig {
  [key: string]: unknown;
  appId: string;
  productName: string;
  directories: { app: string };
  npmRebuild: boolean;
  asarUnpack: string[];
  publish: unknown;
  win: { target: Target[]; verifyUpdateCodeSignature: boolean };
  mac: { target: Target[]; hardenedRuntime: boolean; notarize: boolean };
  linux: { target: Target[] };
}
type Target = { target: string; arch: string[] };
const config = load(configText) as BuilderConfig;
const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
// The options of app-builder-lib/out/util/config/schemaValidator.js.
const validate = new Ajv({ allErrors: true, verbose: true, coerceTypes: true, strict: false }).compile(schema);

// electron-builder's own loader and validator, as `electron-builder build` runs them before anything
// is downloaded: getConfig reads electron-builder.yml from the repository top level the way a build
// does, validateConfiguration applies scheme.json and the deprecation checks.
interface BuilderConfigModule {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: object | null): Promise<Record<string, unknown>>;
  validateConfiguration(config: object, debugLogger: object): Promise<void>;
}
const builderConfig = require('app-builder-lib/out/util/config/config.js') as BuilderConfigModule;
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => object };

function errorsOf(candidate: unknown): string[] {
  const copy = structuredClone(candidate);
  return validate(copy) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`);
}

describe('electron-builder.yml against electron-builder’s schema', () => {
  it('is valid', () => {
    expect(errorsOf(config)).toEqual([]);
  });

  it('fails with a deliberately wrong key, at the top and inside a platform', () => {
    expect(errorsOf({ ...config, appID: 'ke.payme.till' }).join('\n')).toContain('"additionalProperty":"appID"');
    expect(errorsOf({ ...config, mac: { ...config.mac, hardendRuntime: true } }).join('\n')).toContain('"additionalProperty":"hardendRuntime"');
    expect(errorsOf({ ...config, npmRebuild: 'sometimes' }).join('\n')).toContain('/npmRebuild must be boolean');
  });
});

describe('electron-builder.yml through electron-builder’s own configuration loading and validation', () => {
  it('loads from the repository top level as a build finds it, and validates', async () => {
    const loaded = await builderConfig.getConfig(repository, null, null);
    // The file read as electron-builder reads it, with its defaults merged in.
    expect(loaded).toMatchObject({ appId: config.appId, productName: config.productName, directories: config.directories, publish: config.publish, mac: config.mac });
    await expect(builderConfig.validateConfiguration(loaded, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('rejects a deliberately wrong key, and a deprecated option, in electron-builder’s words', async () => {
    const loaded = await builderConfig.getConfig(repository, null, null);
    await expect(builderConfig.validateConfiguration({ ...loaded, appID: 'ke.payme.till' }, new DebugLogger(false))).rejects.toThrow(
      /electron-builder \d+\.\d+\.\d+ has been initialized using a configuration object that does not match the API schema[\s\S]*unknown property 'appID'/,
    );
    await expect(builderConfig.validateConfiguration({ ...loaded, npmSkipBuildFromSource: false }, new DebugLogger(false))).rejects.toThrow(/npmSkipBuildFromSource is deprecated/);
  });
});

// electron-builder's own naming: the artifactName macros and each target's architecture name.
const { expandMacro } = require('app-builder-lib/out/util/macroExpander.js') as {
  expandMacro(pattern: string, arch: string | null, appInfo: object, extra: Record<string, string>): string;
};
const { Arch, getArtifactArchName } = require('builder-util') as { Arch: Record<'x64' | 'arm64', number>; getArtifactArchName(arch: number, ext: string): string };
const { sanitizeFileName } = require('builder-util/out/filename.js') as { sanitizeFileName(name: string): string };

describe('the installers IT is told to run', () => {
  it('are named in the README as electron-builder names them from artifactName', () => {
    const readme = readFileSync(path.join(repository, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Install on a shop PC'), readme.indexOf('## Run the sync server'));
    const pattern = String(config['artifactName']);
    const named = (os: string, ext: string, arch: 'x64' | 'arm64') =>
      expandMacro(pattern, getArtifactArchName(Arch[arch], ext), { sanitizedProductName: sanitizeFileName(config.productName), version: '<version>' }, { os, ext });
    const files = [named('win', 'exe', 'x64'), named('mac', 'dmg', 'arm64'), named('mac', 'dmg', 'x64'), named('linux', 'deb', 'x64'), named('linux', 'AppImage', 'x64')];
    expect(files).toEqual([
      'PayMe Till-<version>-win-x64.exe',
      'PayMe Till-<version>-mac-arm64.dmg',
      'PayMe Till-<version>-mac-x64.dmg',
      'PayMe Till-<version>-linux-amd64.deb',
      'PayMe Till-<version>-linux-x86_64.AppImage',
    ]);
    for (const file of files) expect(section).toContain(file);
    // A name with a space is quoted wherever it is part of a shell command.
    expect(section).toContain(`sudo apt install "./${files[3]}"`);
    expect(section).toContain(`chmod +x "${files[4]}"`);
  });
});

describe('electron-builder.yml says what DESIGN §13 asks', () => {
  const targets = (platform: 'win' | 'mac' | 'linux') => config[platform].target.map((entry) => `${entry.target}:${entry.arch.join('+')}`);

  it('builds NSIS x64, DMG x64 and arm64 with hardened runtime and notarization, AppImage and deb', () => {
    expect({ appId: config.appId, productName: config.productName }).toEqual({ appId: 'ke.payme.till', productName: 'PayMe Till' });
    expect(targets('win')).toEqual(['nsis:x64']);
    expect(targets('mac')).toEqual(['dmg:x64+arm64']);
    expect(config.mac).toMatchObject({ hardenedRuntime: true, notarize: true });
    expect(targets('linux')).toEqual(['AppImage:x64', 'deb:x64']);
    expect(config.win.verifyUpdateCodeSignature).toBe(true);
  });

  it('packs the staged app, rebuilds better-sqlite3 there and unpacks it from the asar', () => {
    expect(config.directories.app).toBe('electron/dist/app');
    expect(config.npmRebuild).toBe(true);
    expect(config.asarUnpack).toContain('node_modules/better-sqlite3/**');
  });

  it('publishes to a generic feed whose URL comes from the environment', () => {
    expect(config.publish).toEqual([{ provider: 'generic', url: '${env.PAYME_UPDATE_URL}', channel: 'latest' }]);
  });

  it('holds no secret: no certificate, password or key, signing comes from the environment only', () => {
    const keys: string[] = [];
    const walk = (value: unknown): void => {
      if (typeof value !== 'object' || value === null) return;
      for (const [key, inner] of Object.entries(value)) {
        keys.push(key);
        walk(inner);
      }
    };
    walk(config);
    expect(keys.filter((key) => /csc|password|certificate|secret|token|apiKey|signingHash/i.test(key))).toEqual([]);
    expect(configText).not.toMatch(/-----BEGIN|[0-9a-f]{40,}|[A-Za-z0-9+/]{60,}={0,2}/);
  });
});
