/*
 * The playground's examples, read from the repository at build time (Vite serves them as the
 * module `virtual:examples`) and by the tests: the short commented programs in examples/, in
 * the order a newcomer meets the topics, then every app in apps/ that is a root-task program.
 * shared-memory's program is a function taking options (its root task, main.ts, imports it), so
 * its example is that file with a line that default-exports the demo with its defaults, as `tsel4
 * run shared-memory` runs it. ipc-survey is a Node program (it builds and runs Linux's originals
 * and writes SVG files), so the playground leaves it out.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Example {
  /** What the picker shows and the URL names: "hello", "pingpong". */
  readonly name: string;
  /** One line: the first comment line of an example, an app's package description. */
  readonly title: string;
  readonly source: string;
  /** "topic" (examples/) or "app" (apps/). */
  readonly kind: 'topic' | 'app';
}

const HERE = dirname(fileURLToPath(import.meta.url));
const APPS = resolve(HERE, '../..');

/** The ten topics, in reading order. */
export const TOPICS = ['hello', 'bootinfo', 'initial-caps', 'endpoint', 'badges', 'notification', 'thread', 'retype', 'frame', 'fault-handler'] as const;

/** Apps whose program is not a default-exported root task, and the line that makes it one. */
/** Apps that only run under Node. */
const NODE_ONLY_APPS = new Set(['cli', 'playground', 'ipc-survey']);

const APP_WRAPPERS: Record<string, { file: string; append: string }> = {
  'shared-memory': { file: 'src/shared-memory.ts', append: '\n// the playground runs the demo with its default options\nexport default sharedMemoryDemo();\n' },
};

export function loadExamples(): Example[] {
  const out: Example[] = [];
  for (const name of TOPICS) {
    const source = readFileSync(join(HERE, '../examples', `${name}.ts`), 'utf8');
    const first = /^\/\/\s*(.*)$/m.exec(source)?.[1] ?? name;
    out.push({ name, title: first.replace(/:.*$/, ''), source, kind: 'topic' });
  }
  for (const app of readdirSync(APPS).sort()) {
    const pkgFile = join(APPS, app, 'package.json');
    if (!existsSync(pkgFile) || NODE_ONLY_APPS.has(app)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { description?: string; tsel4?: { root?: string } };
    const wrap = APP_WRAPPERS[app];
    let source: string;
    if (wrap !== undefined) source = readFileSync(join(APPS, app, wrap.file), 'utf8') + wrap.append;
    else if (pkg.tsel4?.root !== undefined) source = readFileSync(join(APPS, app, pkg.tsel4.root), 'utf8');
    else continue;
    const doc = /^\/\*\s*\n\s*\*\s*(.*)$/m.exec(source)?.[1];
    out.push({ name: app, title: pkg.description ?? doc ?? app, source, kind: 'app' });
  }
  return out;
}

/** Packages a program can import, whose sources the in-browser type-check reads. */
export const CHECKED_PACKAGES = ['hal', 'libsel4', 'sel4utils'] as const;

/**
 * The files the in-browser type-check needs, by the path its compiler host gives them: the
 * TypeScript standard library (ES2022) under /lib/, and the TypeScript sources of the packages a
 * program can import under /pkg/<name>/src/.
 */
export function typecheckFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  const require = createRequire(import.meta.url);
  const tsLib = dirname(require.resolve('typescript/lib/lib.es2022.d.ts'));
  for (const f of readdirSync(tsLib)) {
    if (/^lib\.(es5|es20(1[5-9]|2[0-2])(\.[a-z.]+)?|decorators(\.legacy)?)\.d\.ts$/.test(f) && !f.includes('.full.')) out[`/lib/${f}`] = readFileSync(join(tsLib, f), 'utf8');
  }
  const walk = (dir: string, to: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name), `${to}/${e.name}`);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) out[`${to}/${e.name}`] = readFileSync(join(dir, e.name), 'utf8');
    }
  };
  for (const p of CHECKED_PACKAGES) walk(resolve(APPS, '../packages', p, 'src'), `/pkg/${p}/src`);
  return out;
}
