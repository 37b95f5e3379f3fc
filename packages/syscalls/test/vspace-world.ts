// A root task for address-space tests: runs a test body on a machine (invariants checked after
// every kernel entry), with helpers to make objects, call the arch's address-space invocations
// by generic names, and map frames making paging structures as a C program would. Errors thrown
// in the body (failed expectations) come back to the test.
import type { ArchName, BoardName } from '@tsel4/hal';
import * as L from '@tsel4/libsel4';
import { Machine } from '../src/index.js';

export const BOARDS = [
  ['pc99', 'x86_64'],
  ['qemu-arm-virt', 'aarch64'],
  ['qemu-riscv-virt', 'riscv64'],
] as const satisfies readonly (readonly [BoardName, ArchName])[];

type Gen<T> = Generator<L.TrapToken, T, unknown>;

export interface Root {
  /** The machine the root task runs on (for tests that look at the kernel from outside). */
  readonly machine: Machine;
  readonly arch: ArchName;
  readonly bi: L.seL4_BootInfo;
  readonly g: L.VSpaceGeometry;
  readonly o: L.VSpaceObjects;
  /** A free slot of the root CNode. */
  slot(): number;
  /** `n` consecutive free slots; the first. */
  slots(n: number): number;
  /** Retype one object (from the first untyped with room, non-device unless `ut` says which). */
  make(type: number, sizeBits?: number, ut?: number): Gen<number>;
  /** A frame of 2^bits bytes. */
  frame(bits?: number): Gen<number>;
  /** Page_Map with the arch's stub; returns the error. */
  pageMap(frame: number, vaddr: number, rights?: number, vspace?: number, attr?: number): L.Syscall<number>;
  pageUnmap(frame: number): L.Syscall<number>;
  pageGetAddress(frame: number): Gen<{ error: number; paddr: number | bigint }>;
  /** <Table>_Map for the paging structure at `level`; returns the error. */
  tableMap(level: number, table: number, vaddr: number, vspace?: number): L.Syscall<number>;
  tableUnmap(level: number, table: number): L.Syscall<number>;
  /** Map `frame`, making the paging structures it lacks; throws on any other error. */
  map(frame: number, vaddr: number, rights?: number, vspace?: number): Gen<number[]>;
  /** A new VSpace root with an ASID from `pool`. */
  newVSpace(pool?: number): Gen<number>;
  /** seL4_GetMR(0..n-1). */
  mrs(n: number): number[];
  /**
   * A thread running `fn(...args)` (then suspending itself through `self`, its TCB's cptr in its
   * own CSpace, default the root's cptr), configured with its own IPC buffer frame.
   */
  spawn(fn: (...a: number[]) => Gen<unknown>, args?: readonly number[], opts?: SpawnOptions): Gen<number>;
  /** Print a line on the console. */
  say(line: string): Gen<void>;
}

export interface SpawnOptions {
  readonly prio?: number;
  readonly faultEp?: number;
  readonly cspace?: number;
  /** CNode cap data for the CSpace root (a guard). */
  readonly cspaceData?: number | bigint;
  readonly vspace?: number;
  /** The TCB's cptr in its own CSpace (for the final Suspend); default its cptr in the root's. */
  readonly self?: number;
  /** Start at this address instead of `fn` (which then never runs). */
  readonly pc?: number;
  /** Do not resume it. */
  readonly stopped?: boolean;
}

export interface Ran {
  readonly machine: Machine;
  readonly console: string;
  readonly kernelLog: string[];
}

/** Run `body` as the root task on `board` until the machine is idle; rethrow what it threw. */
export function runRoot(
  board: BoardName,
  body: (r: Root) => Gen<void>,
  opts: { maxSteps?: number; checkInvariants?: boolean; ramBytes?: number; iommu?: boolean } = {},
): Ran {
  let thrown: unknown = null;
  let finished = false;
  const kernelLog: string[] = [];
  function* root(): Gen<void> {
    try {
      yield* body(makeRoot(machine));
      finished = true;
    } catch (e) {
      thrown = e;
    }
  }
  const machine = new Machine(root as L.ThreadFunction, {
    board,
    ...(opts.ramBytes !== undefined ? { ramBytes: opts.ramBytes } : {}),
    ...(opts.iommu !== undefined ? { iommu: opts.iommu } : {}),
    checkInvariants: opts.checkInvariants ?? true,
    onKernelLog: (l) => kernelLog.push(l),
  });
  const r = machine.run({ maxSteps: opts.maxSteps ?? 200_000 });
  if (thrown !== null) throw thrown;
  if (!finished) throw new Error(`the root task did not finish (${r.reason}); kernel log:\n${kernelLog.join('\n')}`);
  return { machine, console: r.console, kernelLog };
}

function makeRoot(machine: Machine): Root {
  const t = L.currentThread();
  const arch = t.arch.name;
  const bi = L.seL4_GetBootInfo();
  const g = L.vspaceGeometry(arch)!;
  const o = L.vspaceObjects(arch)!;
  let next = bi.empty.start;
  let threads = 0;
  const VS = L.seL4_CapInitThreadVSpace;
  const r: Root = {
    machine,
    arch,
    bi,
    g,
    o,
    slot: () => next++,
    slots: (n) => {
      next += n;
      return next - n;
    },
    *make(type, sizeBits = 0, ut) {
      const slot = next++;
      const candidates = ut !== undefined ? [ut] : bi.untypedList.map((_, i) => i).filter((i) => !bi.untypedList[i]!.isDevice).map((i) => bi.untyped.start + i);
      let last = 0;
      for (const u of candidates) {
        last = yield* L.seL4_Untyped_Retype(u, type, sizeBits, L.seL4_CapInitThreadCNode, 0, 0, slot, 1);
        if (last === 0) return slot;
      }
      throw new Error(`retype ${L.objectTypeName(arch, type)}: ${L.seL4_ErrorName(last)}`);
    },
    frame: (bits = 12) => r.make(o.frameType(bits)),
    pageMap: (frame, vaddr, rights = L.seL4_AllRights, vspace = VS, attr = g.defaultVMAttributes) =>
      L.invokeMethod(o.pageIface, 'Map', frame, [vspace, vaddr, rights, attr]),
    pageUnmap: (frame) => L.invokeMethod(o.pageIface, 'Unmap', frame, []),
    *pageGetAddress(frame) {
      const error = yield* L.invokeMethod(o.pageIface, 'GetAddress', frame, []);
      return { error, paddr: error === 0 ? L.resultOf(o.pageIface, 'GetAddress', 'paddr') : 0 };
    },
    tableMap: (level, table, vaddr, vspace = VS) => L.invokeMethod(o.tableIface(level), 'Map', table, [vspace, vaddr, g.defaultVMAttributes]),
    tableUnmap: (level, table) => L.invokeMethod(o.tableIface(level), 'Unmap', table, []),
    *map(frame, vaddr, rights = L.seL4_AllRights, vspace = VS) {
      const made: number[] = [];
      for (;;) {
        const err = yield* r.pageMap(frame, vaddr, rights, vspace);
        if (err === 0) return made;
        if (err !== L.seL4_FailedLookup) throw new Error(`Page_Map at 0x${vaddr.toString(16)}: ${L.seL4_ErrorName(err)} ${r.mrs(3)}`);
        const bits = L.seL4_GetMR(2);
        const level = g.levels.findIndex((l, i) => i > 0 && g.levels[i - 1]!.shift === bits);
        const table = yield* r.make(o.tableType(level));
        const e = yield* r.tableMap(level, table, vaddr, vspace);
        if (e !== 0) throw new Error(`table map at 0x${vaddr.toString(16)}: ${L.seL4_ErrorName(e)}`);
        made.push(table);
      }
    },
    *newVSpace(pool = L.seL4_CapInitThreadASIDPool) {
      const root = yield* r.make(o.vspaceType);
      const err = yield* L.invokeMethod(o.asidPoolIface, 'Assign', pool, [root]);
      if (err !== 0) throw new Error(`ASIDPool_Assign: ${L.seL4_ErrorName(err)}`);
      return root;
    },
    mrs: (n) => Array.from({ length: n }, (_, i) => L.seL4_GetMR(i)),
    *spawn(fn, args = [], opts = {}) {
      const tcb = yield* r.make(L.seL4_TCBObject);
      const ipc = yield* r.frame();
      const ipcVaddr = 0x2000_0000 + 0x2000 * threads++;
      const self = opts.self ?? tcb;
      const e1 = yield* L.seL4_TCB_Configure(tcb, opts.faultEp ?? 0, opts.cspace ?? L.seL4_CapInitThreadCNode, opts.cspaceData ?? 0, opts.vspace ?? VS, 0, ipcVaddr, ipc);
      if (e1 !== 0) throw new Error(`Configure: ${L.seL4_ErrorName(e1)}`);
      const prio = opts.prio ?? 200;
      const e2 = yield* L.seL4_TCB_SetSchedParams(tcb, L.seL4_CapInitThreadTCB, prio, prio);
      if (e2 !== 0) throw new Error(`SetSchedParams: ${L.seL4_ErrorName(e2)}`);
      const entry = function* (...a: number[]): Gen<void> {
        yield* fn(...a);
        yield* L.seL4_TCB_Suspend(self);
      };
      const a = t.arch;
      const regs: L.seL4_UserContext = { [a.userContextNames[0]!]: opts.pc ?? L.tsel4_functionAddress(entry as L.ThreadFunction) };
      args.forEach((v, i) => {
        regs[a.userContextNames[a.userContext.indexOf(a.argRegs[i]!)]!] = v;
      });
      const e3 = yield* L.seL4_TCB_WriteRegisters(tcb, 0, 0, a.userContext.length, regs);
      if (e3 !== 0) throw new Error(`WriteRegisters: ${L.seL4_ErrorName(e3)}`);
      if (opts.stopped !== true) yield* L.seL4_TCB_Resume(tcb);
      return tcb;
    },
    *say(line) {
      for (const ch of `${line}\n`) yield* L.seL4_DebugPutChar(ch);
    },
  };
  return r;
}
