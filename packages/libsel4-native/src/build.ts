/*
 * Building C programs for the bridge with the host's C compiler.
 *
 * Three things are built once per host and kept in a cache directory under the OS temp dir, named
 * by a hash of their sources and the compiler: the shim (one shared library per process), the C
 * runtime object every program links (tsel4rt.c) and the refsel4 helper library (an archive, so a
 * program gets it only when it calls it). A program is each of its .c files compiled with our
 * headers, its constructors moved out of .init_array (objcopy) so that they run in the root task
 * rather than when the host loads it, linked with the runtime into a shared library under a name of
 * its own (the host's loader shares a library loaded twice under one name). The compiler's
 * messages are passed on as it printed them.
 */

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Toolchain } from './toolchain.js';

/** The package's own directory (src/ or dist/ is one level down). */
export const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The C headers programs are compiled with: sel4/sel4.h and refsel4.h. */
export const INCLUDE_DIR = join(PACKAGE_DIR, 'include');
const RUNTIME_DIR = join(PACKAGE_DIR, 'runtime');
const LIB_DIR = join(PACKAGE_DIR, 'lib');

/** The compiler (or objcopy, ar) refused: `output` is what it printed. */
export class CompileError extends Error {
  constructor(
    readonly command: string,
    readonly output: string,
  ) {
    super(output.trim() === '' ? `${command} failed` : output.trimEnd());
    this.name = 'CompileError';
  }
}

/** A .c file that is not there: one sentence naming it. */
export class SourceNotFoundError extends Error {
  constructor(readonly path: string) {
    super(`no such C source file: ${path}`);
    this.name = 'SourceNotFoundError';
  }
}

const CFLAGS = ['-std=gnu11', '-O2', '-g', '-fPIC', '-U_FORTIFY_SOURCE', '-fno-omit-frame-pointer'];

/** The library calls a program's own runtime takes over (see runtime/tsel4rt.c). */
export const WRAPPED = [
  'exit', '_exit', '_Exit', 'atexit', 'printf', 'vprintf', 'fprintf', 'vfprintf', 'puts', 'putchar',
  'fputs', 'fputc', 'putc', 'fwrite', 'fflush', 'setvbuf', 'perror', '__assert_fail', 'malloc', 'free',
  'calloc', 'realloc', 'posix_memalign', 'aligned_alloc', 'memalign',
];

function run(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error !== undefined) throw new CompileError(cmd, `${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new CompileError(`${cmd} ${args.join(' ')}`, `${r.stdout}${r.stderr}`);
  return r.stderr;
}

function cacheDir(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const d = join(tmpdir(), `tsel4-native-${uid}`);
  mkdirSync(d, { recursive: true });
  return d;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

let sourcesHash: string | undefined;

/** A hash of everything the cached parts are built from, with the compiler's version. */
function keyOf(tc: Toolchain): string {
  if (sourcesHash === undefined) {
    const h = createHash('sha256');
    for (const f of [...filesUnder(INCLUDE_DIR), ...filesUnder(RUNTIME_DIR), ...filesUnder(LIB_DIR)]) {
      h.update(f.slice(PACKAGE_DIR.length));
      h.update(readFileSync(f));
    }
    sourcesHash = h.digest('hex');
  }
  return createHash('sha256').update(sourcesHash).update(tc.ccVersion).update(CFLAGS.join(' ')).digest('hex').slice(0, 16);
}

/** Build `out` with `make(tmp)` unless it exists; `tmp` is renamed into place, never overwritten. */
function cached(out: string, make: (tmp: string) => void): string {
  if (existsSync(out)) return out;
  const tmp = `${out}.${process.pid}.tmp`;
  make(tmp);
  renameSync(tmp, out);
  return out;
}

/** Move constructors and destructors out of the sections the host's loader runs. */
function deferInitialisers(tc: Toolchain, obj: string): void {
  run(tc.objcopy, ['--rename-section', '.init_array=tsel4_init_array', '--rename-section', '.fini_array=tsel4_fini_array', obj]);
}

/** The shim: one shared library per process. */
export function shimLibrary(tc: Toolchain): string {
  const out = join(cacheDir(), `shim-${keyOf(tc)}.so`);
  return cached(out, (tmp) => {
    run(tc.cc, [...CFLAGS, '-shared', '-Wall', '-Wextra', '-I', INCLUDE_DIR, '-I', RUNTIME_DIR, join(RUNTIME_DIR, 'shim.c'), '-o', tmp]);
  });
}

/** The C runtime object every program links. */
function runtimeObject(tc: Toolchain): string {
  const out = join(cacheDir(), `tsel4rt-${keyOf(tc)}.o`);
  return cached(out, (tmp) => {
    run(tc.cc, [...CFLAGS, '-c', '-Wall', '-Wextra', '-I', INCLUDE_DIR, join(RUNTIME_DIR, 'tsel4rt.c'), '-o', tmp]);
  });
}

/** The helper libraries C programs may call (lib/*.c), as one archive. */
function helperArchive(tc: Toolchain): string {
  const out = join(cacheDir(), `libtsel4helpers-${keyOf(tc)}.a`);
  return cached(out, (tmp) => {
    const objs: string[] = [];
    for (const src of readdirSync(LIB_DIR).filter((f) => f.endsWith('.c')).sort()) {
      const obj = `${tmp}.${basename(src, '.c')}.o`;
      run(tc.cc, [...CFLAGS, '-c', '-Wall', '-Wextra', '-I', INCLUDE_DIR, join(LIB_DIR, src), '-o', obj]);
      deferInitialisers(tc, obj);
      objs.push(obj);
    }
    run(tc.ar, ['rcs', tmp, ...objs]);
    for (const o of objs) rmSync(o, { force: true });
  });
}

/** Options for building a program. */
export interface BuildOptions {
  /** More compiler flags (-D, -I, -W...), given before the sources. */
  readonly cflags?: readonly string[];
}

/** A built program: its shared library (to be loaded once) and what the compiler said. */
export interface BuiltProgram {
  readonly library: string;
  /** Compiler and linker warnings, as printed (empty when there were none). */
  readonly diagnostics: string;
}

let programCounter = 0;

/** Compile and link the C files of one program. Throws CompileError with the compiler's output. */
export function buildProgram(tc: Toolchain, sources: readonly string[], opts: BuildOptions = {}): BuiltProgram {
  if (sources.length === 0) throw new CompileError(tc.cc, 'no C source files given');
  for (const s of sources) if (!existsSync(s) || !statSync(s).isFile()) throw new SourceNotFoundError(s);
  const shim = shimLibrary(tc);
  const rt = runtimeObject(tc);
  const helpers = helperArchive(tc);
  const dir = cacheDir();
  const id = `${process.pid}-${programCounter++}`;
  const objs: string[] = [];
  let diagnostics = '';
  try {
    sources.forEach((src, i) => {
      const obj = join(dir, `prog-${id}-${i}.o`);
      objs.push(obj);
      diagnostics += run(tc.cc, [...CFLAGS, '-c', '-I', INCLUDE_DIR, '-I', dirname(resolve(src)), ...(opts.cflags ?? []), src, '-o', obj]);
      deferInitialisers(tc, obj);
    });
    const library = join(dir, `prog-${id}.so`);
    const wraps = WRAPPED.map((w) => `-Wl,--wrap=${w}`);
    diagnostics += run(tc.cc, ['-shared', '-o', library, ...objs, rt, helpers, shim, ...wraps, '-Wl,--no-undefined', '-Wl,-Bsymbolic']);
    return { library, diagnostics };
  } finally {
    for (const o of objs) rmSync(o, { force: true });
  }
}
