/**
 * The preload contract (DESIGN §2, STYLE "a typed bridge"): the object the preload exposes as
 * `window.payme` has exactly the members of shared's `TillBridge`, each on its own IPC channel,
 * and every member the renderer's sources use on the bridge is among them (read from the
 * sources, so a renderer that starts calling something the preload lacks fails here as well as
 * in the typecheck).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { till_bridge_methods } from '@payme/shared';
import { ipc_channels } from '../host/ipc-channels.js';

const exposed = new Map<string, Record<string, (...args: unknown[]) => unknown>>();
const invoked: unknown[][] = [];

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: Record<string, (...args: unknown[]) => unknown>) => exposed.set(key, api) },
  ipcRenderer: { invoke: async (...args: unknown[]) => (invoked.push(args), null) },
}));

const renderer_src = path.resolve(import.meta.dirname, '../../../renderer/src');

function rendererFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return rendererFiles(file);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [file] : [];
  });
}

/** The members renderer code reads off the bridge: `window.payme.x`, `bridge.x`, `bridge?.x`. */
function bridgeMembersUsed(): Set<string> {
  const used = new Set<string>();
  for (const file of rendererFiles(renderer_src)) {
    for (const match of readFileSync(file, 'utf8').matchAll(/\b(?:window\.payme|bridge)\??\.(\w+)/g)) used.add(match[1]!);
  }
  return used;
}

beforeAll(async () => {
  await import('./preload.js');
});

describe('the preload', () => {
  it('exposes window.payme with exactly the members of the preload contract', () => {
    expect([...exposed.keys()]).toEqual(['payme']);
    expect(Object.keys(exposed.get('payme')!).sort()).toEqual([...till_bridge_methods].sort());
  });

  it('sends each member on its own channel, with its arguments', async () => {
    const payme = exposed.get('payme')!;
    const bytes = new Uint8Array([0x1b, 0x40]);
    await payme['call']!('syncStatus', {});
    await payme['printReceipt']!();
    await payme['printEscPos']!(bytes);
    expect(invoked).toEqual([[ipc_channels.call, 'syncStatus', {}], [ipc_channels.printReceipt], [ipc_channels.printEscPos, bytes]]);
  });

  it('has every member the renderer uses on the bridge', () => {
    const used = bridgeMembersUsed();
    expect([...used].sort()).toEqual(expect.arrayContaining(['call', 'printEscPos', 'printReceipt']));
    const payme = exposed.get('payme')!;
    expect([...used].filter((member) => typeof payme[member] !== 'function')).toEqual([]);
  });
});
