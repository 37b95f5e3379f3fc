/*
 * Finding and loading programs: the apps in this repository's apps/ folder (each a workspace whose
 * package.json names its root task in `tsel4.root`), or any .ts/.js file that default-exports a
 * root task. Apps are loaded by path, never imported as libraries.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ThreadFunction } from '@tsel4/libsel4';
import { UsageError } from './args.js';

/** The app `tsel4 run` and `npm start` run when none is named. */
export const DEFAULT_APP = 'pingpong';

export interface App {
  readonly name: string;
  readonly description: string;
  /** Absolute path of the module that default-exports the root task. */
  readonly root: string;
}

/** The repository's apps/ folder (this CLI lives in apps/cli/src). */
const APPS_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** Every app in apps/, by name. */
export function listApps(dir = APPS_DIR): App[] {
  const apps: App[] = [];
  for (const name of readdirSync(dir).sort()) {
    const pkgFile = join(dir, name, 'package.json');
    if (!existsSync(pkgFile)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { description?: string; tsel4?: { root?: string } };
    if (pkg.tsel4?.root === undefined) continue;
    apps.push({ name, description: pkg.description ?? '', root: join(dir, name, pkg.tsel4.root) });
  }
  return apps;
}

const EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

/** A program to run: its display name and the module path. */
export interface Program {
  readonly name: string;
  readonly path: string;
}

/** Resolve what the user named: an app name, else a file (relative to `cwd`). */
export function findProgram(target: string, cwd: string): Program {
  const app = listApps().find((a) => a.name === target);
  if (app !== undefined) return { name: app.name, path: app.root };
  const looksLikeFile = target.includes('/') || target.includes('\\') || extname(target) !== '';
  if (!looksLikeFile) {
    const names = listApps().map((a) => a.name);
    throw new UsageError(`no app named '${target}' (apps: ${names.join(', ')}; or give a .ts or .js file)`);
  }
  const path = resolve(cwd, target);
  if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError(`no file '${target}' (apps: ${listApps().map((a) => a.name).join(', ')})`);
  if (!EXTENSIONS.includes(extname(path))) throw new UsageError(`'${target}' is not a program: give a ${EXTENSIONS.join(', ')} file`);
  return { name: target, path };
}

/**
 * Why a program did not load, in full: a syntax error (esbuild's "file:line:col: ERROR: text",
 * with a 0-based column) as file:line:col (1-based, as tsc and node write it) with the line and a
 * caret under the column; any other error's whole message.
 */
export function loadErrorText(e: unknown, p: Program): string {
  const msg = e instanceof Error ? e.message : String(e);
  const found = [...msg.matchAll(/^(.+?):(\d+):(\d+): ERROR: (.*)$/gm)];
  if (found.length === 0) return msg.trimEnd();
  return found
    .map((m) => {
      const [, file, l, c, text] = m as unknown as [string, string, string, string, string];
      const line = Number(l);
      const col = Number(c);
      const shown = resolve(file) === p.path ? p.name : file;
      let frame = '';
      try {
        const src = readFileSync(file, 'utf8').split('\n')[line - 1];
        if (src !== undefined) {
          const n = String(line);
          frame = `\n  ${n} | ${src}\n  ${' '.repeat(n.length)} | ${src.slice(0, col).replace(/[^\t]/g, ' ')}^`;
        }
      } catch {
        // the file went away: the message alone
      }
      return `${shown}:${line}:${col + 1}: ${text}${frame}`;
    })
    .join('\n');
}

const GeneratorFunction = Object.getPrototypeOf(function* () {}).constructor as unknown;

/** Import `p` and return its default export, checked to be a root task (a generator function). */
export async function loadRootTask(p: Program): Promise<ThreadFunction> {
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(p.path).href)) as { default?: unknown };
  } catch (e) {
    throw new UsageError(`cannot load ${p.name}: ${loadErrorText(e, p)}`);
  }
  const root = mod.default;
  const hint = 'export default function* main() { ... }';
  if (root === undefined) throw new UsageError(`${p.name} has no default export; a root task is a default-exported generator function (${hint})`);
  if (typeof root !== 'function' || !(root instanceof (GeneratorFunction as new () => unknown))) {
    const kinds: Record<string, string> = {
      Function: 'a plain function',
      AsyncFunction: 'an async function',
      AsyncGeneratorFunction: 'an async generator function',
    };
    const what = typeof root === 'function' ? (kinds[root.constructor.name] ?? 'a function') : root === null ? 'null' : `a ${typeof root}`;
    throw new UsageError(`${p.name} default-exports ${what}, not a root task; a root task is a generator function (${hint})`);
  }
  return root as ThreadFunction;
}
