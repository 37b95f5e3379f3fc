/*
 * The kernel fuzzer: several threads, each in its own small CSpace, make random syscalls and
 * invocations — random (often invalid) cptrs, labels, lengths, words, extra caps, rights, receive
 * paths, unknown syscall numbers, deliberate crashes — while a supervisor (the root task, at the
 * lowest priority) answers their faults, steps them over faulting syscalls or restarts them,
 * resumes and suspends them, changes their priorities and refills their CSpaces. The machine
 * checks the kernel's invariants after every kernel entry.
 *
 * A run fails when a JS exception escapes the kernel, an invariant breaks, or a Call on a kernel
 * object's cap is answered with something that is not an seL4_Error (checked at the kernel entry
 * itself, so other threads rewriting a thread's registers cannot confuse it). Everything is drawn
 * from one seed, so a failing seed replays exactly.
 */
import { type BoardName, TrapKind } from '@tsel4/hal';
import * as L from '@tsel4/libsel4';
import { CapType, capTypeName, LookupResult, resolveAddressBits, TCB_CTABLE, ThreadState } from '@tsel4/object';
import { Allocator, createThread, startThread } from '@tsel4/sel4utils';
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
} as const;
const CSPACE_BITS = 5;
const FIRST_FREE = 14;

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
        const caps = [rng.pick([SLOT.self, SLOT.other, SLOT.ntfn, SLOT.frame, SLOT.cnode, slot()]), slot(), slot()];
        return [rng.chance(0.7) ? SLOT.other : SLOT.self, op, words, caps];
      }
    }
  };
  const b = { value: 0 as number | bigint };
  for (;;) {
    switch (rng.weighted([8, 6, 30, 4, 5, 3, 3, 4, 4, 3, 3, 2, 2, 1, 1, 30])) {
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
  let faultsHandled = 0;
  let kernelMessages = 0;
  const rootRng = new Rng(opts.seed);
  const threadSeeds = Array.from({ length: nThreads }, () => rootRng.u32());

  function* supervisor() {
    const CN = L.seL4_CapInitThreadCNode;
    const arch = L.currentThread().arch;
    const wb = arch.wordBits;
    const pcName = arch.userContextNames[0]!;
    const alloc = new Allocator(L.seL4_GetBootInfo());
    const ep = yield* alloc.allocObject(L.seL4_EndpointObject);
    const ntfn = yield* alloc.allocObject(L.seL4_NotificationObject);
    const faultEp = yield* alloc.allocObject(L.seL4_EndpointObject);
    const cnodes: number[] = [];
    const tcbs: number[] = [];
    const originals: number[][] = [];
    const guard = L.seL4_CNode_CapData_new(0, wb - CSPACE_BITS).words[0];
    for (let id = 0; id < nThreads; id++) {
      const cn = yield* alloc.allocObject(L.seL4_CapTableObject, CSPACE_BITS);
      const ut = yield* alloc.allocObject(L.seL4_UntypedObject, 14);
      const frame = yield* alloc.allocFrame();
      const t = yield* createThread(alloc, { priority: 100, faultEp: SLOT.faultEp, ipcBuffer: id !== 1, name: `fuzz${id}`, onReturn: 'fault' });
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
      originals.push([0, cn, faultEp, ep, ep, ep, ep, ntfn, ntfn, t.tcb, tcbs[id - 1] ?? 0, ut, frame, L.seL4_CapDomain]);
      let e = yield* L.seL4_TCB_SetSpace(t.tcb, SLOT.faultEp, cn, guard, L.seL4_CapInitThreadVSpace, 0);
      e ||= yield* L.seL4_TCB_SetSchedParams(t.tcb, L.seL4_CapInitThreadTCB, 100, 40 + 20 * (id % 4));
      if (e !== 0) throw new Error(`fuzz setup: ${L.seL4_ErrorName(e)}`);
      yield* startThread(t, fuzzThread as L.ThreadFunction, [threadSeeds[id]!]);
    }
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
        const slot = rootRng.range(1, SLOT.domain);
        const src = originals[victim]![slot]!;
        if (src !== 0) {
          yield* L.seL4_CNode_Delete(cnodes[victim]!, slot, CSPACE_BITS);
          yield* L.seL4_CNode_Copy(cnodes[victim]!, slot, CSPACE_BITS, CN, src, wb, L.seL4_AllRights);
        }
      }
      if (rootRng.chance(0.01)) yield* L.seL4_CNode_Revoke(CN, ep, wb);
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
  return { seed: opts.seed, board, steps: done, stats: m.stats(), replies, faultsHandled, kernelMessages };
}
