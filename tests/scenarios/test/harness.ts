/*
 * A small harness for kernel scenarios: boot a machine with a root task (the invariant checker on
 * after every kernel entry), let threads record what they see in an event list, and look at kernel
 * state from outside (a thread's state, an endpoint's queue) by the root task's cptrs, through the
 * kernel's public inspection API.
 */
import * as L from '@tsel4/libsel4';
import { endpointInfo, inspectKernel, notificationInfo, threadInfo } from '@tsel4/kernel';
import { type Cap, CNodeObj, Endpoint, Notification, Tcb } from '@tsel4/object';
import { Allocator, createThread, startThread, type ThreadOptions } from '@tsel4/sel4utils';
import { Machine, type MachineOptions, type RunResult } from '@tsel4/syscalls';

export type Word = number | bigint;
export type Gen<R = void> = Generator<L.TrapToken, R, unknown>;

export interface Scenario {
  m: Machine;
  r: RunResult;
  /** What the threads recorded, in the order they recorded it. */
  events: string[];
}

/** What a root task written for the harness gets. */
export interface RootCtx {
  alloc: Allocator;
  /** Record an event. */
  ev(e: string): void;
  /** The machine (for looking at kernel state from inside a thread, like a debugger would). */
  m(): Machine;
  /** The root task's entry arguments (the bootinfo address, the seed). */
  readonly args: readonly number[];
}

/** Boot `root` and run the machine until it is idle (or a limit). */
export function scenario(root: (c: RootCtx) => Gen<unknown>, opts: MachineOptions & { maxSteps?: number } = {}): Scenario {
  const { m, events } = machineFor(root, opts);
  const r = m.run({ maxSteps: opts.maxSteps ?? 200_000 });
  return { m, r, events };
}

/** Boot `root` without running it (for tests that step the machine themselves). */
export function machineFor(root: (c: RootCtx) => Gen<unknown>, opts: MachineOptions = {}): { m: Machine; events: string[] } {
  const events: string[] = [];
  let machine: Machine | null = null;
  const rootFn = function* (...args: number[]) {
    const ctx: RootCtx = { alloc: new Allocator(L.seL4_GetBootInfo()), ev: (e) => events.push(e), m: () => machine!, args };
    yield* root(ctx);
    yield* L.seL4_TCB_Suspend(L.seL4_CapInitThreadTCB);
  };
  machine = new Machine(rootFn as L.ThreadFunction, { checkInvariants: true, ...opts });
  return { m: machine, events };
}

/** The cap in the root CNode slot `cptr`. */
export function capAt(m: Machine, cptr: number): Cap {
  const root = m.k.rootCNodeSlot!.cap.obj as CNodeObj;
  return root.slotAt(cptr).cap;
}

export function tcbAt(m: Machine, cptr: number): Tcb {
  const o = capAt(m, cptr).obj;
  if (!(o instanceof Tcb)) throw new Error(`slot ${cptr} holds no TCB cap`);
  return o;
}

/** A thread's state name ("BlockedOnReply") by its TCB cptr in the root CNode. */
export function stateOf(m: Machine, cptr: number): string {
  return threadInfo(m.k, tcbAt(m, cptr)).state;
}

/** The names of the threads queued on the endpoint or notification at `cptr`, head first. */
export function queueOf(m: Machine, cptr: number): string[] {
  const o = capAt(m, cptr).obj;
  if (!(o instanceof Endpoint) && !(o instanceof Notification)) throw new Error(`slot ${cptr} holds no endpoint/notification`);
  const names = new Map(inspectKernel(m.k).threads.map((t) => [t.id, t.name]));
  const q = o instanceof Endpoint ? endpointInfo(o).queue : notificationInfo(o).queue;
  return q.map((id) => names.get(id) ?? id);
}

/** Make and start a named thread running `fn(...args)`. Returns its TCB cptr. */
export function* thread(c: RootCtx, name: string, fn: (...a: number[]) => Gen<unknown>, args: number[] = [], opts: ThreadOptions = {}): Gen<number> {
  const t = yield* createThread(c.alloc, { priority: 100, name, ...opts });
  yield* startThread(t, fn as L.ThreadFunction, args);
  return t.tcb;
}

/** Make a named thread without starting it (TCB cptr, ready for startThread). */
export function* stoppedThread(c: RootCtx, name: string, fn: (...a: number[]) => Gen<unknown>, args: number[] = [], opts: ThreadOptions = {}): Gen<number> {
  const t = yield* createThread(c.alloc, { priority: 100, name, ...opts });
  yield* startThread(t, fn as L.ThreadFunction, args, false);
  return t.tcb;
}

export const info = L.seL4_MessageInfo_new;

/** "label=.. len=.. extraCaps=.. capsUnwrapped=.." of a message info. */
export function tag(i: L.seL4_MessageInfo_t): string {
  return `label=${L.seL4_MessageInfo_get_label(i)} len=${L.seL4_MessageInfo_get_length(i)} extraCaps=${L.seL4_MessageInfo_get_extraCaps(i)} capsUnwrapped=${L.seL4_MessageInfo_get_capsUnwrapped(i)}`;
}

export function wordBits(): number {
  return L.currentThread().arch.wordBits;
}

/** The root task's own priority change, the seL4 way. */
export function* setRootPriority(p: number): Gen {
  const e = yield* L.seL4_TCB_SetPriority(L.seL4_CapInitThreadTCB, L.seL4_CapInitThreadTCB, p);
  if (e !== 0) throw new Error(`SetPriority: ${L.seL4_ErrorName(e)}`);
}
