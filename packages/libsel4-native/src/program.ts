/*
 * A C program loaded for one machine: its shared library, the native RAM its machine runs on, and
 * a CThread for each seL4 thread that runs its code. It is the machine's ForeignCode: any address
 * in the library's code starts a thread there, so a thread is made the seL4 way (TCB retype,
 * Configure, WriteRegisters with the PC at a C function pointer, Resume), from C or TypeScript.
 *
 *   const prog = CProgram.build(['main.c']);
 *   const m = new Machine(prog.rootEntry(), prog.machineOptions());
 *   m.run();
 *   prog.dispose();
 *
 * One program serves one machine: the library's globals are the program's memory. Load the same
 * files again for another machine (each load is a new copy).
 */

import { unlinkSync } from 'node:fs';
import { type ThreadContext, type UserProgram } from '@tsel4/hal';
import type { ForeignCode, UserEnvironment, UserThread } from '@tsel4/runtime';
import { type BuildOptions, buildProgram } from './build.js';
import { CThread, type ThreadHost } from './cthread.js';
import { NativeRam } from './ram.js';
import { BridgeError, Shim } from './shim.js';
import { bridgeStatus, type Koffi, type KoffiLibrary } from './toolchain.js';

/** What a machine needs to run this program (spread into MachineOptions). */
export interface NativeMachineOptions {
  readonly memoryBacking: NativeRam;
  readonly foreignCode: readonly ForeignCode[];
}

let dladdrFn: ((addr: number, info: object) => unknown) | null | undefined;

/** libc's dladdr through koffi (null where it cannot be bound). */
function dladdrOf(koffi: Koffi): ((addr: number, info: object) => unknown) | null {
  if (dladdrFn === undefined) {
    try {
      koffi.struct('tsel4_Dl_info', { dli_fname: 'const char *', dli_fbase: 'uintptr_t', dli_sname: 'const char *', dli_saddr: 'uintptr_t' });
      const f = koffi.load('libc.so.6').func('int dladdr(uintptr_t addr, _Out_ tsel4_Dl_info *info)');
      dladdrFn = (addr, info) => f(addr, info);
    } catch {
      dladdrFn = null;
    }
  }
  return dladdrFn;
}

const finalizer = new FinalizationRegistry<() => void>((release) => release());

export class CProgram implements ForeignCode, ThreadHost {
  readonly shim: Shim;
  readonly ram: NativeRam;
  /** Warnings the compiler printed. */
  readonly diagnostics: string;
  private readonly lib: KoffiLibrary;
  private readonly lo: number;
  private readonly hi: number;
  private readonly threads = new Map<ThreadContext, CThread>();
  private readonly slots: number[] = [];
  private bootInfoSet = false;
  private disposed = false;
  private readonly bootInfoVar: BigUint64Array;

  private constructor(library: string, diagnostics: string) {
    this.shim = Shim.get();
    this.diagnostics = diagnostics;
    try {
      this.lib = this.shim.koffi.load(library);
    } finally {
      // the host keeps the mapping; the file is not needed any more
      unlinkSync(library);
    }
    const start = this.address('__tsel4_root_start');
    if (start === null) throw new BridgeError('internal: the program was linked without the tsel4 runtime');
    const range = this.shim.codeRange(start);
    if (range === null) throw new BridgeError('internal: the loaded program has no code segment');
    [this.lo, this.hi] = range;
    const bi = this.address('__tsel4_bootinfo');
    if (bi === null) throw new BridgeError('internal: the program has no __tsel4_bootinfo');
    this.bootInfoVar = new BigUint64Array(this.shim.koffi.view(bi, 8));
    this.ram = new NativeRam(this.shim);
    const slots = this.slots;
    const shim = this.shim;
    const ram = this.ram;
    finalizer.register(this, () => {
      for (const s of slots) shim.freeSlot(s);
      ram.release();
    }, this);
  }

  /**
   * Compile `sources` (with the tsel4 headers and runtime) and load the result. Throws a
   * BridgeError when the bridge cannot run on this host, a CompileError with the compiler's
   * output when the sources do not build.
   */
  static build(sources: readonly string[], opts: BuildOptions = {}): CProgram {
    const st = bridgeStatus();
    if (!st.ok) throw new BridgeError(st.reason);
    Shim.get();
    const built = buildProgram(st.toolchain, sources, opts);
    return new CProgram(built.library, built.diagnostics);
  }

  /** The address of a symbol of the program (a function to start a thread at), or null. */
  address(name: string): number | null {
    try {
      const a = this.lib.symbol(name);
      if (typeof a === 'bigint' || typeof a === 'number') return Number(a);
    } catch {
      // not defined
    }
    return null;
  }

  /**
   * The name of the program's function that starts at `addr` (the host's dladdr; a static
   * function has no name there), or undefined.
   */
  functionNameAt(addr: number): string | undefined {
    const f = dladdrOf(this.shim.koffi);
    if (f === null) return undefined;
    const info: { dli_sname?: string | null; dli_saddr?: unknown } = {};
    if (f(addr, info) === 0 || info.dli_sname === null || info.dli_sname === undefined) return undefined;
    const at = info.dli_saddr;
    const saddr = typeof at === 'bigint' || typeof at === 'number' ? Number(at) : Number.NaN;
    return saddr === addr || Number.isNaN(saddr) ? info.dli_sname : undefined;
  }

  /**
   * The C function the thread with registers `ctx` last started in, or is about to start in
   * ("main" for the root task).
   */
  functionOf(ctx: ThreadContext): string | undefined {
    const t = this.threads.get(ctx);
    const a = ctx.arch;
    const pc = t !== undefined && t.entryPc >= 0 ? t.entryPc : ctx.getLo(a.nextIP) + ctx.getHi(a.nextIP) * 4294967296;
    if (!this.owns(pc)) return undefined;
    const n = this.functionNameAt(pc);
    return n === '__tsel4_root_start' ? 'main' : n;
  }

  /** The address of function `name`; throws when the program has none. */
  functionAddress(name: string): number {
    const a = this.address(name);
    if (a === null || !this.owns(a)) throw new BridgeError(`the C program has no function '${name}'`);
    return a;
  }

  /** Where the root task starts: the runtime's start, which runs main(). */
  rootEntry(): number {
    if (this.address('main') === null) throw new BridgeError('the C program has no main(): a root task needs int main(void)');
    return this.functionAddress('__tsel4_root_start');
  }

  /** The options a machine that runs this program needs. */
  machineOptions(): NativeMachineOptions {
    return { memoryBacking: this.ram, foreignCode: [this] };
  }

  owns(addr: number): boolean {
    return addr >= this.lo && addr < this.hi;
  }

  onStart(env: UserEnvironment): void {
    if (this.bootInfoSet) return;
    const paddr = env.bootInfoPaddr();
    const host = paddr === null ? null : this.ram.hostAddress(paddr);
    if (host === null) return;
    this.bootInfoVar[0] = BigInt(host);
    this.bootInfoSet = true;
  }

  programAt(addr: number, thread: UserThread): UserProgram | null {
    if (!this.owns(addr)) return null;
    if (this.disposed) throw new BridgeError('the C program was disposed; its machine cannot run any more');
    let t = this.threads.get(thread.ctx);
    if (t === undefined) {
      const slot = this.shim.allocSlot();
      this.slots.push(slot);
      t = new CThread(this, slot, thread);
      this.threads.set(thread.ctx, t);
    }
    return t;
  }

  /** Give back the program's thread slots and RAM, and unload it. Its machine is dead after this. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    finalizer.unregister(this);
    for (const s of this.slots) this.shim.freeSlot(s);
    this.slots.length = 0;
    this.threads.clear();
    this.ram.release();
    this.lib.unload();
  }
}
