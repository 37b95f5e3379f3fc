/*
 * Whether this host can run the native bridge, and the tools it uses: a C compiler (cc, or $CC),
 * objcopy and ar from binutils, koffi's prebuilt binary, on x86_64 Linux. Every check gives a
 * reason a person can act on; nothing here throws.
 */

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

/** The tools the bridge builds programs with. */
export interface Toolchain {
  /** The C compiler command. */
  readonly cc: string;
  readonly objcopy: string;
  readonly ar: string;
  /** The compiler's first line of `--version`, for cache keys. */
  readonly ccVersion: string;
}

/** The bridge can run here, or the reason it cannot. */
export type BridgeStatus = { readonly ok: true; readonly toolchain: Toolchain } | { readonly ok: false; readonly reason: string };

/** What koffi gives us; declared here so that nothing of koffi's untyped API leaks out. */
export interface KoffiLibrary {
  func(definition: string): (...args: unknown[]) => unknown;
  symbol(name: string): unknown;
  unload(): void;
}
export interface Koffi {
  load(path: string, options?: { global?: boolean }): KoffiLibrary;
  view(pointer: unknown, length: number): ArrayBuffer;
  struct(name: string, fields: Record<string, string>): unknown;
}

function versionOf(cmd: string): string | null {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) return null;
  return (r.stdout.split('\n')[0] ?? '').trim();
}

let koffiCache: Koffi | string | undefined;

/** koffi, or why it cannot be loaded. */
export function loadKoffi(): Koffi | string {
  if (koffiCache === undefined) {
    try {
      const require = createRequire(import.meta.url);
      koffiCache = require('koffi') as Koffi;
    } catch (e) {
      koffiCache = `koffi cannot be loaded (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); reinstall with npm ci`;
    }
  }
  return koffiCache;
}

let statusCache: BridgeStatus | undefined;

/** Whether the native bridge can run on this host (checked once per process). */
export function bridgeStatus(): BridgeStatus {
  if (statusCache !== undefined) return statusCache;
  const fail = (reason: string): BridgeStatus => (statusCache = { ok: false, reason });
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return fail(`the native C bridge runs on x86_64 Linux hosts; this is ${process.platform}/${process.arch}`);
  }
  const cc = process.env['CC'] !== undefined && process.env['CC'] !== '' ? process.env['CC'] : 'cc';
  const ccVersion = versionOf(cc);
  if (ccVersion === null) return fail(`no C compiler: '${cc} --version' did not run (install gcc or set CC)`);
  for (const tool of ['objcopy', 'ar']) {
    if (versionOf(tool) === null) return fail(`no '${tool}' on PATH (it comes with binutils, beside the C compiler)`);
  }
  const k = loadKoffi();
  if (typeof k === 'string') return fail(k);
  return (statusCache = { ok: true, toolchain: { cc, objcopy: 'objcopy', ar: 'ar', ccVersion } });
}
