/*
 * The kernel fuzzer: several threads, each in its own small CSpace, make random syscalls and
 * invocations — random (often invalid) cptrs, labels, lengths, words, extra caps, rights, receive
 * paths, unknown syscall numbers, deliberate crashes — while a supervisor (the root task, at the
 * lowest priority) answers their faults, steps them over faulting syscalls or restarts them,
 * resumes and suspends them, changes their priorities and refills their CSpaces. Each thread runs
 * in a VSpace of its own and holds paging structures, frames, an ASID pool, ASID control, IRQ
 * control and an IRQ handler (and, on x86, I/O port control): it maps, unmaps and remaps them in a
 * small window of its VSpace, loads and stores there (faulting where nothing is mapped), issues
 * handlers, I/O port ranges and SGI caps; the supervisor raises random interrupt lines and
 * revokes the frames it handed out while they are mapped. The machine checks the kernel's
 * invariants after every kernel entry.
 *
 * A run fails when a JS exception escapes the kernel, an invariant breaks, or a Call on a kernel
 * object's cap is answered with something that is not an seL4_Error (checked at the kernel entry
 * itself, so other threads rewriting a thread's registers cannot confuse it). Everything is drawn
 * from one seed, so a failing seed replays exactly.
 */
import { type ArchName, type BoardName, TrapKind } from '@tsel4/hal';
import * as L from '@tsel4/libsel4';
import { CapType, capTypeName, LookupResult, resolveAddressBits, TCB_CTABLE, ThreadState } from '@tsel4/object';
import { Allocator, createThread, mapFrame, newVSpace, startThread } from '@tsel4/sel4utils';
import { InvariantViolation, Machine, type MachineStats } from '@tsel4/syscalls';
import { Rng } from './rng.js';

/** Slots of each fuzz thread's 32-slot CSpace (cptr = slot). */
const SLOT = {
  cnode: 1,
  faultEp: 2,
  ep: 3,
  epBadged: 4,
  epReadOnly: 5,
  epWriteNoGrant: 6,
  ntfn: 7,
  ntfnBadged: 8,
  self: 9,
  other: 10,
  untyped: 11,
  frame: 12,
  domain: 13,
  vspace: 14,
  table1: 15,
  table2: 16,
  table3: 17,
  frame2: 18,
  asidPool: 19,
  asidControl: 20,
  /** IRQControl in thread 0, IOPortControl in thread 1 on x86 (neither can be copied). */
  control: 21,
  irqHandler: 22,
  /** An I/O port cap for COM1 (x86). */
  ioPort: 23,
} as const;
const CSPACE_BITS = 5;
const FIRST_FREE = 24;
/** The window of each thread's VSpace where it maps, unmaps, loads and stores (2 MiB). */
const WINDOW = 0x4000_0000;

/** Arch methods the fuzz threads invoke on their address-space, IRQ and I/O port caps. */
const ARCH_IFACES = /ASID|Page|PDPT|VSpace|IRQ|IOPort|SGI/;
function archMethods(arch: ArchName): L.NumberedMethod[] {
  return L.methodsOf(arch).filter(
    (m) => (m.labelNumber >= L.nInvocationLabels || /IRQ/.test(m.iface)) && ARCH_IFACES.test(m.iface) && m.params.every((p) => p.cap || !/Context$/.test(p.type)),
  );
}

export interface FuzzOptions {
  readonly seed: number;
  /** Returns to user code to run (the machine's steps). */
  readonly steps: number;
  readonly board?: BoardName;
  readonly threads?: number;
  /** Check the invariants after every kernel entry (default true). */
  readonly checkInvariants?: boolean;
}

export interface FuzzResult {
  readonly seed: number;
  readonly board: BoardName;
  readonly steps: number;
  readonly stats: MachineStats;
  /** Answers to Calls on kernel objects, by seL4_Error name. */
  readonly replies: Record<string, number>;
  /** The same answers by the invoked cap's type and the error ("frame_cap seL4_NoError"). */
  readonly repliesByCap: Record<string, number>;
  /** Faults the supervisor received, by fault type (seL4_Fault_VMFault = 5 ...). */
  readonly faultsByType: Record<number, number>;
  /** Faults the supervisor received. */
  readonly faultsHandled: number;
  /** Kernel debug messages (userError and double faults), counted. */
  readonly kernelMessages: number;
}

/** Why a run failed; `seed` and `board` replay it. */
export class FuzzFailure extends Error {
  constructor(
    readonly seed: number,
    readonly step: number,
    readonly board: BoardName,
    what: string,
  ) {
    super(`fuzz seed ${seed} (board ${board}) failed by step ${step}: ${what}\n  replay: npm run fuzz -- --seed ${seed} --board ${board} --steps ${step}`);
    this.name = 'FuzzFailure';
  }
}

/** The fuzz threads' code: an endless stream of random syscalls drawn from `seed`. */
function* fuzzThread(seed: number): Generator<L.TrapToken, void, unknown> {
  const rng = new Rng(seed);
  const cptr = (): number | bigint => {
    const r = rng.below(20);
    if (r < 16) return rng.below(1 << CSPACE_BITS);
    if (r < 18) return rng.below(4096);
    return rng.word64();
  };
  const word = (): number | bigint => {
    switch (rng.below(6)) {
      case 0:
        return rng.below(8);
      case 1:
        return rng.below(1 << CSPACE_BITS);
      case 2:
        return rng.below(65);
      case 3:
        return rng.u32();
      case 4:
        return rng.word64();
      default:
        return rng.range(0, 300);
    }
  };
  const randomInfo = (): L.seL4_MessageInfo_t => {
    const len = rng.chance(0.8) ? rng.below(8) : rng.below(128);
    const extra = rng.chance(0.7) ? 0 : rng.below(4);
    for (let i = 0; i < Math.min(len, 120); i++) L.seL4_SetMR(i, word());
    for (let i = 0; i < extra; i++) L.seL4_SetCap(i, cptr());
    // a label beyond its 52 bits is masked here (seL4_MessageInfo_new rejects one, as libsel4 asserts)
    const label = rng.chance(0.85) ? rng.below(64) : BigInt.asUintN(52, rng.word64());
    return L.seL4_MessageInfo_new(label, 0, extra, len);
  };
  const arch = L.currentThread().arch.name;
  const slot = () => (rng.chance(0.9) ? rng.below(1 << CSPACE_BITS) : cptr());
  const depth = () => (rng.chance(0.85) ? 64 : rng.below(70));
  /** A plausible invocation of one of the thread's own kernel objects: label, words, caps. */
  const structured = (): [number | bigint, string, (number | bigint)[], (number | bigint)[]] => {
    switch (rng.below(3)) {
      case 0: {
        const op = rng.pick(['CNodeCopy', 'CNodeMint', 'CNodeMove', 'CNodeMutate', 'CNodeRotate', 'CNodeDelete', 'CNodeRevoke', 'CNodeSaveCaller', 'CNodeCancelBadgedSends']);
        const rights = rng.chance(0.6) ? 0xf : rng.below(16);
        const words = op === 'CNodeRotate'
          ? [slot(), depth(), word(), slot(), depth(), word(), slot(), depth()]
          : [slot(), depth(), slot(), depth(), rights, rng.chance(0.5) ? rng.below(1 << 20) : word()];
        return [SLOT.cnode, op, words, op === 'CNodeRotate' ? [SLOT.cnode, SLOT.cnode] : [SLOT.cnode]];
      }
      case 1: {
        const type = rng.below(14);
        const size = rng.chance(0.7) ? rng.below(13) : rng.below(70);
        return [SLOT.untyped, 'UntypedRetype', [type, size, 0, 0, rng.range(FIRST_FREE - 2, 33), rng.range(0, 4)], [SLOT.cnode]];
      }
      default: {
        const op = rng.pick(['TCBSetPriority', 'TCBSetMCPriority', 'TCBSetSchedParams', 'TCBReadRegisters', 'TCBWriteRegisters', 'TCBSuspend', 'TCBResume', 'TCBBindNotification', 'TCBUnbindNotification', 'TCBSetTLSBase', 'TCBSetFlags', 'TCBCopyRegisters', 'TCBSetIPCBuffer', 'TCBSetSpace', 'TCBConfigure']);
        const words = [rng.below(130), rng.below(130), rng.below(25), word(), word(), word()];
        const caps = [rng.pick([SLOT.self, SLOT.other, SLOT.ntfn, SLOT.frame, SLOT.cnode, SLOT.vspace, slot()]), slot(), slot()];
        return [rng.chance(0.7) ? SLOT.other : SLOT.self, op, words, caps];
      }
    }
  };
  const methods = archMethods(arch);
  const vaddr = (): number | bigint => {
    const r = rng.below(20);
    if (r < 14) return WINDOW + rng.below(512) * 0x1000 + (rng.chance(0.2) ? rng.below(0x1000) : 0);
    if (r < 17) return WINDOW + rng.below(8) * 0x20_0000;
    return r < 19 ? rng.below(1 << 30) * 0x1000 : rng.word64();
  };
  /** A service cap for a method of interface `iface`. */
  const serviceFor = (iface: string): number | bigint => {
    if (rng.chance(0.1)) return cptr();
    if (/ASIDPool/.test(iface)) return SLOT.asidPool;
    if (/ASIDControl/.test(iface)) return SLOT.asidControl;
    if (/IRQControl|IOPortControl/.test(iface)) return SLOT.control;
    if (/IRQHandler/.test(iface)) return SLOT.irqHandler;
    if (/IOPort$/.test(iface) && rng.chance(0.5)) return SLOT.ioPort;
    if (/Page$/.test(iface)) return rng.pick([SLOT.frame, SLOT.frame2, SLOT.frame2]);
    if (/VSpace$/.test(iface) && !/Table/.test(iface)) return SLOT.vspace;
    // a paging structure, an I/O port or SGI cap somewhere in the free slots
    return rng.chance(0.75) ? rng.pick([SLOT.table1, SLOT.table2, SLOT.table3]) : rng.range(FIRST_FREE, 31);
  };
  /** A plausible argument of a method's parameter `name` of type `type`. */
  const argFor = (name: string, type: string, cap: boolean): number | bigint => {
    if (cap) {
      if (/CNode/.test(type) || name === 'root') return rng.chance(0.9) ? SLOT.cnode : cptr();
      if (/Untyped/.test(type)) return SLOT.untyped;
      if (name === 'notification') return rng.pick([SLOT.ntfn, SLOT.ntfnBadged, cptr()]);
      if (/IOSpace/.test(type)) return cptr();
      return rng.chance(0.8) ? SLOT.vspace : rng.pick([SLOT.table1, SLOT.frame, cptr()]);
    }
    if (/vaddr|ioaddr/.test(name)) return vaddr();
    if (name === 'index') return rng.chance(0.8) ? rng.range(FIRST_FREE, 31) : slot();
    if (name === 'depth') return depth();
    if (name === 'rights') return rng.chance(0.6) ? 0xf : rng.below(16);
    if (name === 'attr') return rng.chance(0.7) ? 0 : rng.below(8);
    if (/port/.test(name)) return rng.chance(0.7) ? 0x3f8 + rng.below(8) : rng.below(0x10000);
    if (name === 'data') return rng.below(256);
    if (/irq|vector|pin|target|trigger|ioapic|level|polarity|pci|handle/.test(name)) return rng.chance(0.8) ? rng.below(24) : word();
    if (/start|end|offset/.test(name)) return rng.below(0x2000);
    return word();
  };
  const b = { value: 0 as number | bigint };
  for (;;) {
    switch (rng.weighted([8, 6, 30, 4, 5, 3, 3, 4, 4, 3, 3, 2, 2, 1, 1, 30, 24, 10])) {
      case 0:
        yield* L.seL4_Send(cptr(), randomInfo());
        break;
      case 1:
        yield* L.seL4_NBSend(cptr(), randomInfo());
        break;
      case 2: {
        // an invocation (or a Call on an endpoint); the kernel-side check in runFuzz watches it
        const target = cptr();
        if (rng.chance(0.2)) yield* L.seL4_DebugCapIdentify(target);
        yield* L.seL4_Call(target, randomInfo());
        break;
      }
      case 3:
        yield* L.seL4_Recv(cptr(), b);
        break;
      case 4:
        yield* L.seL4_NBRecv(cptr(), b);
        break;
      case 5:
        yield* L.seL4_ReplyRecv(cptr(), randomInfo(), b);
        break;
      case 6:
        yield* L.seL4_Reply(randomInfo());
        break;
      case 7:
        yield* L.seL4_Signal(cptr());
        break;
      case 8:
        yield* L.seL4_Poll(cptr(), b);
        break;
      case 9:
        yield* L.seL4_Yield();
        break;
      case 10:
        L.seL4_SetCapReceivePath(
          rng.chance(0.7) ? SLOT.cnode : cptr(),
          rng.chance(0.7) ? rng.range(FIRST_FREE, 31) : cptr(),
          rng.chance(0.8) ? CSPACE_BITS : rng.below(70),
        );
        break;
      case 11:
        yield* L.seL4_Wait(cptr(), b);
        break;
      case 12: {
        // a syscall number seL4 does not know here (never DebugHalt, DebugDumpScheduler,
        // DebugSnapshot or DebugPutChar, which stop the machine or write to the console)
        let n = rng.chance(0.5) ? -rng.range(15, 40) : rng.u32() | 0;
        if (n === L.seL4_SysDebugHalt || n === L.seL4_SysDebugDumpScheduler || n === L.seL4_SysDebugSnapshot || n === L.seL4_SysDebugPutChar) n = -99;
        yield* L.tsel4_rawSyscall(n);
        break;
      }
      case 13:
        if (rng.chance(0.3)) throw new Error('fuzz: a deliberate crash');
        break;
      case 14:
        yield* L.seL4_DebugPutChar(0x2e);
        break;
      case 16: {
        // an address-space, IRQ or I/O port invocation with plausible arguments
        const m = rng.pick(methods);
        const args = m.params.map((p) => argFor(p.name, p.type, p.cap));
        yield* L.invokeMethod(m.iface, m.name, serviceFor(m.iface), args);
        break;
      }
      case 17: {
        // a load or a store in the window (a VM fault where nothing, or nothing writable, is mapped)
        const a = vaddr();
        if (rng.chance(0.5)) yield* L.tsel4_read8(a);
        else yield* L.tsel4_write8(a, rng.below(256));
        break;
      }
      default: {
        const [service, label, words, caps] = structured();
        const n = rng.chance(0.9) ? words.length : rng.below(words.length + 1);
        const c = rng.chance(0.9) ? caps.length : rng.below(caps.length + 1);
        for (let i = 0; i < n; i++) L.seL4_SetMR(i, words[i]!);
        for (let i = 0; i < c; i++) L.seL4_SetCap(i, caps[i]!);
        yield* L.seL4_Call(service, L.seL4_MessageInfo_new(L.invocationLabel(arch, label), 0, c, n));
        break;
      }
    }
  }
}

/** Run one fuzz campaign of `opts.steps` steps. Throws FuzzFailure on any failure. */
export function runFuzz(opts: FuzzOptions): FuzzResult {
  const board = opts.board ?? 'pc99';
  const nThreads = opts.threads ?? 3;
  const contract: string[] = [];
  const replies: Record<string, number> = {};
  const repliesByCap: Record<string, number> = {};
  const faultsByType: Record<number, number> = {};
  let faultsHandled = 0;
  let kernelMessages = 0;
  const rootRng = new Rng(opts.seed);
  const threadSeeds = Array.from({ length: nThreads }, () => rootRng.u32());

  function* supervisor() {
    const CN = L.seL4_CapInitThreadCNode;
    const arch = L.currentThread().arch;
    const wb = arch.wordBits;
    const objs = L.vspaceObjects(arch.name)!;
    const levels = L.vspaceGeometry(arch.name)!.levels.length;
    const x86 = arch.name === 'x86_64';
    const pcName = arch.userContextNames[0]!;
    const alloc = new Allocator(L.seL4_GetBootInfo());
    const ep = yield* alloc.allocObject(L.seL4_EndpointObject);
    const ntfn = yield* alloc.allocObject(L.seL4_NotificationObject);
    const faultEp = yield* alloc.allocObject(L.seL4_EndpointObject);
    const cnodes: number[] = [];
    const tcbs: number[] = [];
    const originals: number[][] = [];
    const frames: number[] = [];
    // COM1's ports for every thread (x86)
    let com1 = 0;
    if (x86) {
      com1 = alloc.allocSlot();
      const e = yield* L.seL4_X86_IOPortControl_Issue(L.seL4_CapIOPortControl, 0x3f8, 0x3ff, CN, com1, wb);
      if (e !== 0) throw new Error(`fuzz setup: COM1 ports: ${L.seL4_ErrorName(e)}`);
    }
    const guard = L.seL4_CNode_CapData_new(0, wb - CSPACE_BITS).words[0];
    for (let id = 0; id < nThreads; id++) {
      const cn = yield* alloc.allocObject(L.seL4_CapTableObject, CSPACE_BITS);
      const ut = yield* alloc.allocObject(L.seL4_UntypedObject, 14);
      const frame = yield* alloc.allocFrame();
      // a VSpace of its own, its IPC buffer mapped there
      const vspace = yield* newVSpace(alloc);
      const t = yield* createThread(alloc, { priority: 100, faultEp: SLOT.faultEp, ipcBuffer: id !== 1, name: `fuzz${id}`, onReturn: 'fault', vspace });
      if (t.ipcFrame !== 0) yield* mapFrame(alloc, t.ipcFrame, t.ipcVaddr, { vspace });
      // unmapped paging structures (one per level below the root, the last repeated), a second
      // frame, and the caps for ASIDs, interrupts and I/O ports
      const tables: number[] = [];
      for (let level = 1; level <= 3; level++) tables.push(yield* alloc.allocObject(objs.tableType(Math.min(level, levels - 1))));
      const frame2 = yield* alloc.allocFrame();
      const irqHandler = alloc.allocSlot();
      // a handler for a line of its own: an IOAPIC pin on pc99 (vectors from 10), a line above the timer's elsewhere
      const e0 = x86
        ? yield* L.seL4_IRQControl_GetIOAPIC(L.seL4_CapIRQControl, CN, irqHandler, wb, 0, 10 + id, 0, 0, 10 + id)
        : yield* L.seL4_IRQControl_Get(L.seL4_CapIRQControl, 40 + id, CN, irqHandler, wb);
      if (e0 !== 0) throw new Error(`fuzz setup: IRQ handler: ${L.seL4_ErrorName(e0)}`);
      cnodes.push(cn);
      tcbs.push(t.tcb);
      const put = function* (slot: number, src: number, rights = L.seL4_AllRights, badge: number | bigint = 0) {
        const e = yield* L.seL4_CNode_Mint(cn, slot, CSPACE_BITS, CN, src, wb, rights, badge);
        if (e !== 0) throw new Error(`fuzz setup: mint into slot ${slot}: ${L.seL4_ErrorName(e)}`);
      };
      yield* put(SLOT.cnode, cn, L.seL4_AllRights, guard);
      yield* put(SLOT.faultEp, faultEp, L.seL4_AllRights, id + 1);
      yield* put(SLOT.ep, ep);
      yield* put(SLOT.epBadged, ep, L.seL4_AllRights, 0x100 + id);
      yield* put(SLOT.epReadOnly, ep, L.seL4_CapRights_new(0, 0, 1, 0));
      yield* put(SLOT.epWriteNoGrant, ep, L.seL4_CapRights_new(0, 0, 0, 1));
      yield* put(SLOT.ntfn, ntfn);
      yield* put(SLOT.ntfnBadged, ntfn, L.seL4_AllRights, 1 << id);
      yield* put(SLOT.self, t.tcb);
      if (id > 0) yield* put(SLOT.other, tcbs[id - 1]!);
      yield* put(SLOT.untyped, ut);
      yield* put(SLOT.frame, frame);
      yield* put(SLOT.domain, L.seL4_CapDomain);
      yield* put(SLOT.vspace, vspace);
      // an unmapped paging structure's cap cannot be copied (deriveCap): these move
      for (let i = 0; i < 3; i++) {
        const e = yield* L.seL4_CNode_Move(cn, SLOT.table1 + i, CSPACE_BITS, CN, tables[i]!, wb);
        if (e !== 0) throw new Error(`fuzz setup: move table ${i}: ${L.seL4_ErrorName(e)}`);
      }
      yield* put(SLOT.frame2, frame2);
      yield* put(SLOT.asidPool, L.seL4_CapInitThreadASIDPool);
      yield* put(SLOT.asidControl, L.seL4_CapASIDControl);
      yield* put(SLOT.irqHandler, irqHandler);
      if (com1 !== 0) yield* put(SLOT.ioPort, com1);
      originals.push([
        0, cn, faultEp, ep, ep, ep, ep, ntfn, ntfn, t.tcb, tcbs[id - 1] ?? 0, ut, frame, L.seL4_CapDomain,
        vspace, 0, 0, 0, frame2, L.seL4_CapInitThreadASIDPool, L.seL4_CapASIDControl,
        0, irqHandler, com1,
      ]);
      frames.push(frame2);
      let e = yield* L.seL4_TCB_SetSpace(t.tcb, SLOT.faultEp, cn, guard, vspace, 0);
      e ||= yield* L.seL4_TCB_SetSchedParams(t.tcb, L.seL4_CapInitThreadTCB, 100, 40 + 20 * (id % 4));
      if (e !== 0) throw new Error(`fuzz setup: ${L.seL4_ErrorName(e)}`);
      yield* startThread(t, fuzzThread as L.ThreadFunction, [threadSeeds[id]!]);
    }
    // the control caps cannot be copied: IRQControl moves to thread 0, IOPortControl to thread 1
    let e1 = yield* L.seL4_CNode_Move(cnodes[0]!, SLOT.control, CSPACE_BITS, CN, L.seL4_CapIRQControl, wb);
    if (x86 && nThreads > 1) e1 ||= yield* L.seL4_CNode_Move(cnodes[1]!, SLOT.control, CSPACE_BITS, CN, L.seL4_CapIOPortControl, wb);
    if (e1 !== 0) throw new Error(`fuzz setup: control caps: ${L.seL4_ErrorName(e1)}`);
    yield* L.seL4_TCB_SetPriority(L.seL4_CapInitThreadTCB, L.seL4_CapInitThreadTCB, 1);
    const records = tcbs.map((tcb) => ({ tcb, ipcFrame: 0, ipcVaddr: 0, onReturn: 'fault' as const }));

    /**
     * A fault handler's choices: restart the syscall or instruction (reply), step over a faulting
     * syscall (its PC moved past the trap instruction, as an emulating handler does), start the
     * thread afresh with a new seed, or leave it waiting.
     */
    function* stepOver(tcb: number) {
      yield* L.seL4_TCB_Suspend(tcb);
      const regs: L.seL4_UserContext = {};
      if ((yield* L.seL4_TCB_ReadRegisters(tcb, 0, 0, 1, regs)) === 0) {
        const pc = BigInt(regs[pcName] ?? 0) + BigInt(arch.syscall.trapInsnBytes);
        yield* L.seL4_TCB_WriteRegisters(tcb, 1, 0, 1, { [pcName]: pc });
      }
    }

    function* handleFault(who: number, label: number) {
      const tcb = tcbs[who]!;
      const r = rootRng.below(10);
      if (r === 0 && rootRng.chance(0.3)) return;
      if ((label === L.seL4_Fault_CapFault || label === L.seL4_Fault_UnknownSyscall) && r < 8) {
        const regs: L.seL4_UserContext = {};
        if ((yield* L.seL4_TCB_ReadRegisters(tcb, 0, 0, 1, regs)) === 0) {
          const pc = BigInt(regs[pcName] ?? 0) + BigInt(arch.syscall.trapInsnBytes);
          yield* L.seL4_TCB_WriteRegisters(tcb, 0, 0, 1, { [pcName]: pc });
        }
      } else if (r < 8) {
        yield* startThread(records[who]!, fuzzThread as L.ThreadFunction, [rootRng.u32()], false);
      }
      yield* L.seL4_Reply(L.seL4_MessageInfo_new(0, 0, 0, 0));
    }

    const b = { value: 0 as number | bigint };
    const reply = () => L.seL4_MessageInfo_new(rootRng.chance(0.8) ? 0 : rootRng.below(12), 0, 0, rootRng.below(3));
    for (;;) {
      b.value = 0;
      const fault = yield* L.seL4_NBRecv(faultEp, b);
      const who = Number(b.value) - 1;
      if (who >= 0 && who < nThreads) {
        faultsHandled++;
        const type = L.seL4_MessageInfo_get_label(fault);
        faultsByType[type] = (faultsByType[type] ?? 0) + 1;
        yield* handleFault(who, L.seL4_MessageInfo_get_label(fault));
      }
      // take a waiting sender or caller off the endpoint, and answer a caller
      b.value = 0;
      yield* L.seL4_NBRecv(ep, b);
      if (b.value !== 0 && rootRng.chance(0.9)) yield* L.seL4_Reply(reply());
      // wake a receiver and a waiter
      if (rootRng.chance(0.5)) yield* L.seL4_NBSend(ep, L.seL4_MessageInfo_new(rootRng.below(5), 0, 0, rootRng.below(6)));
      if (rootRng.chance(0.3)) yield* L.seL4_NBSend(faultEp, L.seL4_MessageInfo_new(0, 0, 0, 0));
      if (rootRng.chance(0.5)) yield* L.seL4_Signal(ntfn);
      // Move blocked threads on: step most over the syscall they block in (Suspend, PC past the
      // trap instruction, Resume), restart some (Resume alone re-executes it)
      const victim = rootRng.below(nThreads);
      if (rootRng.chance(0.7)) yield* stepOver(tcbs[victim]!);
      else yield* L.seL4_TCB_Resume(tcbs[victim]!);
      if (rootRng.chance(0.03)) yield* L.seL4_TCB_Suspend(tcbs[victim]!);
      if (rootRng.chance(0.05)) yield* L.seL4_TCB_SetPriority(tcbs[victim]!, L.seL4_CapInitThreadTCB, rootRng.range(30, 100));
      if (rootRng.chance(0.1)) {
        // give a slot back its original cap (the thread may have moved, deleted or revoked it)
        const slot = rootRng.range(1, SLOT.ioPort);
        const src = originals[victim]![slot]!;
        if (src !== 0) {
          yield* L.seL4_CNode_Delete(cnodes[victim]!, slot, CSPACE_BITS);
          yield* L.seL4_CNode_Copy(cnodes[victim]!, slot, CSPACE_BITS, CN, src, wb, L.seL4_AllRights);
        }
      }
      if (rootRng.chance(0.01)) yield* L.seL4_CNode_Revoke(CN, ep, wb);
      // revoke a frame the threads may have mapped (its copies go, and their mappings with them)
      if (rootRng.chance(0.02)) yield* L.seL4_CNode_Revoke(CN, frames[victim]!, wb);
      // a device raises a line (a handler's, the timer's, or any other)
      if (rootRng.chance(0.05)) {
        const n = m.board.irq.maxIrq;
        m.board.irq.raise(rootRng.chance(0.6) ? (x86 ? 16 + 10 + rootRng.below(nThreads) : 40 + rootRng.below(nThreads)) : rootRng.below(n + 1));
      }
      yield* L.seL4_Yield();
    }
  }

  let m: Machine;
  try {
    m = new Machine(supervisor as L.ThreadFunction, {
      board,
      seed: opts.seed,
      checkInvariants: opts.checkInvariants ?? true,
      onKernelLog: () => kernelMessages++,
      onConsoleLine: () => {},
    });
  } catch (e) {
    throw new FuzzFailure(opts.seed, 0, board, `building the machine threw ${String(e)}`);
  }

  // The contract, checked in the kernel's own terms: a Call on a kernel object's cap that leaves
  // its caller running has been answered, and the answer's label must be an seL4_Error.
  const k = m.k;
  const a = k.arch;
  const cpu = m.board.cpu;
  const entry = cpu.installedTrapEntry!;
  const lookup = new LookupResult();
  const sysIdx = 2 * a.syscall.syscallReg;
  const capIdx = 2 * a.syscall.capReg;
  const infoIdx = 2 * a.syscall.infoReg;
  cpu.installTrapEntry((kind) => {
    const t = k.curThread;
    const r = t.ctx.regs;
    let target: CapType | null = null;
    if (kind === TrapKind.Syscall && (r[sysIdx]! | 0) === L.seL4_SysCall) {
      if (resolveAddressBits(t.ctes[TCB_CTABLE]!.cap, r[capIdx]!, r[capIdx + 1]!, k.wordBits, lookup)) {
        const type = lookup.slot!.cap.type;
        if (type !== CapType.Null && type !== CapType.Endpoint && type !== CapType.Notification && type !== CapType.Reply) target = type;
      }
    }
    entry(kind);
    if (target !== null && t.state === ThreadState.Running) {
      const label = (r[infoIdx]! >>> 12) + (a.wordBits === 64 ? r[infoIdx + 1]! * 0x100000 : 0);
      const name = label <= 10 ? L.seL4_ErrorName(label) : `label ${label}`;
      replies[name] = (replies[name] ?? 0) + 1;
      const byCap = `${capTypeName(target)} ${name}`;
      repliesByCap[byCap] = (repliesByCap[byCap] ?? 0) + 1;
      if (label > 10) contract.push(`a Call on a ${capTypeName(target)} cap was answered with label ${label}, not an seL4_Error`);
    }
  });

  let done = 0;
  const chunk = 1000;
  while (done < opts.steps) {
    let r;
    try {
      r = m.run({ maxSteps: Math.min(chunk, opts.steps - done) });
    } catch (e) {
      const what = e instanceof InvariantViolation ? e.message : `a JS exception escaped the kernel: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
      throw new FuzzFailure(opts.seed, m.stats().steps, board, what);
    }
    if (contract.length > 0) throw new FuzzFailure(opts.seed, m.stats().steps, board, contract.join('; '));
    done = m.stats().steps;
    if (r.reason !== 'steps') {
      // the supervisor never blocks, so only a limit can stop the machine
      throw new FuzzFailure(opts.seed, done, board, `the machine stopped: ${r.reason}${r.haltReason !== undefined ? ` (${r.haltReason})` : ''}`);
    }
  }
  return { seed: opts.seed, board, steps: done, stats: m.stats(), replies, repliesByCap, faultsByType, faultsHandled, kernelMessages };
}
