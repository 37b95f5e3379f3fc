/*
 * The user-level timer sel4test's driver owns (CONFIG_HAVE_TIMER): a device on one interrupt line
 * that raises its line when a programmed deadline passes, one-shot or periodic, on the board's
 * cycle clock. The kernel sees only what it sees of any device: the line, which the driver gets a
 * handler for (IRQControl) and binds to a notification. The driver programs the device directly
 * (where a C driver would write its registers through a mapped device frame).
 *
 * The test side is sel4test's timer API: sel4test_timestamp, sel4test_sleep,
 * sel4test_periodic_start and sel4test_ntfn_timer_wait, each an RPC to the driver on its endpoint
 * (label 0, the request type in MR0) or a Wait on the test's timer notification, which the
 * driver signals on every expiry.
 */

import type { BoardName } from '@tsel4/hal';
import * as L from '@tsel4/libsel4';
import type { Machine } from '@tsel4/syscalls';
import type { Env, Gen } from './env.js';

/** Request types of sel4test's time RPC (sel4test_output_t values). */
export const TimeRequest = { Timeout: 1, Timestamp: 2, Reset: 3 } as const;
/** timeout_type_t. */
export const TimeoutType = { Periodic: 0, Absolute: 1, Relative: 2 } as const;

/** The badge the device's notification carries to the driver. */
export const TIMER_BADGE = 0x7100;

/** A free line for the device on each board (and, on pc99, the IOAPIC vector that gives it). */
const LINE: Record<BoardName, number> = { pc99: 16, 'qemu-arm-virt': 40, 'qemu-riscv-virt': 10 };

export class TimerDevice {
  readonly line: number;
  private deadline = Number.POSITIVE_INFINITY;
  private period = 0;
  /** The handler cap and the driver-side notification, once set up. */
  private handler = 0;

  constructor(private readonly m: Machine) {
    this.line = LINE[m.board.name];
    const cpu = m.board.cpu;
    const advance = cpu.advance.bind(cpu);
    const idleUntilTick = cpu.idleUntilTick.bind(cpu);
    // the device watches the same clock the CPU advances (running or idle)
    cpu.advance = (n: number) => {
      advance(n);
      if (cpu.cycles >= this.deadline) this.expire();
    };
    cpu.idleUntilTick = () => {
      if (this.deadline < cpu.nextTick && cpu.cycles < this.deadline) {
        // the device fires before the kernel's next tick
        cpu.cycles = this.deadline;
        this.expire();
        return;
      }
      idleUntilTick();
      if (cpu.cycles >= this.deadline) this.expire();
    };
  }

  private get hz(): number {
    return this.m.board.spec.clockHz;
  }

  /** Nanoseconds since reset. */
  nowNs(): number {
    return Math.floor((this.m.board.cpu.cycles * 1e9) / this.hz);
  }

  private cyclesFor(ns: number): number {
    return Math.max(1, Math.ceil((ns * this.hz) / 1e9));
  }

  /** Program a timeout of `ns` (relative or periodic) or at `ns` (absolute). */
  program(type: number, ns: number): void {
    const now = this.m.board.cpu.cycles;
    if (type === TimeoutType.Absolute) {
      this.period = 0;
      this.deadline = Math.max(now + 1, Math.ceil((ns * this.hz) / 1e9));
    } else {
      this.period = type === TimeoutType.Periodic ? this.cyclesFor(ns) : 0;
      this.deadline = now + this.cyclesFor(ns);
    }
  }

  /** Stop the device. */
  reset(): void {
    this.deadline = Number.POSITIVE_INFINITY;
    this.period = 0;
  }

  private expire(): void {
    const cycles = this.m.board.cpu.cycles;
    this.m.board.irq.raise(this.line);
    if (this.period > 0) {
      while (this.deadline <= cycles) this.deadline += this.period;
    } else {
      this.deadline = Number.POSITIVE_INFINITY;
    }
  }

  /**
   * When every thread waits and the device is armed, time moves on to its deadline (what an idle
   * CPU does). False when nothing will ever happen.
   */
  fireIfArmed(): boolean {
    if (!Number.isFinite(this.deadline)) return false;
    const cpu = this.m.board.cpu;
    cpu.advance(Math.max(0, this.deadline - cpu.cycles));
    return true;
  }

  /**
   * In the root task, before the test runs: a handler for the device's line signalling a badged
   * notification bound to the driver, and the test's timer notification.
   */
  *setup(env: Env, driverTcb: number): Gen {
    const a = env.alloc;
    const ntfn = yield* a.allocObject(L.seL4_NotificationObject);
    const badged = a.allocSlot();
    const wb = env.wordBits;
    let e = yield* L.seL4_CNode_Mint(env.cspaceRoot, badged, wb, env.cspaceRoot, ntfn, wb, L.seL4_AllRights, TIMER_BADGE);
    if (e !== 0) throw new Error(`timer: Mint: ${L.seL4_ErrorName(e)}`);
    this.handler = a.allocSlot();
    e =
      this.m.board.name === 'pc99'
        ? yield* L.seL4_IRQControl_GetIOAPIC(env.irqControl, env.cspaceRoot, this.handler, wb, 0, 2, 0, 0, this.line - 16)
        : yield* L.seL4_IRQControl_Get(env.irqControl, this.line, env.cspaceRoot, this.handler, wb);
    if (e !== 0) throw new Error(`timer: IRQControl: ${L.seL4_ErrorName(e)}`);
    e = yield* L.seL4_IRQHandler_SetNotification(this.handler, badged);
    if (e !== 0) throw new Error(`timer: SetNotification: ${L.seL4_ErrorName(e)}`);
    e = yield* L.seL4_TCB_BindNotification(driverTcb, ntfn);
    if (e !== 0) throw new Error(`timer: BindNotification: ${L.seL4_ErrorName(e)}`);
    env.timerNotification = yield* a.allocObject(L.seL4_NotificationObject);
  }

  /** In the driver: the line fired. Acknowledge it and wake the test. */
  *interrupt(env: Env): Gen {
    yield* L.seL4_IRQHandler_Ack(this.handler);
    yield* L.seL4_Signal(env.timerNotification);
  }

  /** In the driver: a time request (label 0) from the test; reply to it. */
  *request(): Gen {
    const type = L.seL4_GetMR(0);
    if (type === TimeRequest.Timeout) {
      this.program(L.seL4_GetMR(1), L.seL4_GetMR(2));
      yield* L.seL4_Reply(L.seL4_MessageInfo_new(0, 0, 0, 0));
    } else if (type === TimeRequest.Timestamp) {
      L.seL4_SetMR(0, 0);
      L.seL4_SetMR(1, this.nowNs());
      yield* L.seL4_Reply(L.seL4_MessageInfo_new(0, 0, 0, 2));
    } else {
      this.reset();
      yield* L.seL4_Reply(L.seL4_MessageInfo_new(0, 0, 0, 0));
    }
  }
}

// --- the test's side (sel4test's helpers.c) ---------------------------------------------------------

function* timeRequest(env: Env, type: number, timeoutType = 0, ns = 0): Gen {
  L.seL4_SetMR(0, type);
  L.seL4_SetMR(1, timeoutType);
  L.seL4_SetMR(2, ns);
  yield* L.seL4_Call(env.endpoint, L.seL4_MessageInfo_new(0, 0, 0, type === TimeRequest.Timeout ? 3 : 1));
}

/** sel4test_timestamp: nanoseconds, from the driver. */
export function* sel4testTimestamp(env: Env): Gen<number> {
  yield* timeRequest(env, TimeRequest.Timestamp);
  return L.seL4_GetMR(1);
}

/** sel4test_periodic_start: the timer notification is signalled every `ns`. */
export function* sel4testPeriodicStart(env: Env, ns: number): Gen {
  yield* timeRequest(env, TimeRequest.Timeout, TimeoutType.Periodic, ns);
}

/** sel4test_ntfn_timer_wait. */
export function* sel4testNtfnTimerWait(env: Env): Gen {
  yield* L.seL4_Wait(env.timerNotification);
}

/** sel4test_sleep: block for at least `ns`. */
export function* sel4testSleep(env: Env, ns: number): Gen {
  yield* timeRequest(env, TimeRequest.Timeout, TimeoutType.Relative, ns);
  yield* sel4testNtfnTimerWait(env);
}

/** sel4test_timer_reset. */
export function* sel4testTimerReset(env: Env): Gen {
  yield* timeRequest(env, TimeRequest.Reset);
}

/** sleep_busy: read the time until `ns` have passed (each reading is an RPC, so time moves). */
export function* sleepBusy(env: Env, ns: number): Gen {
  const start = yield* sel4testTimestamp(env);
  for (;;) {
    const now = yield* sel4testTimestamp(env);
    if (now >= start + ns) return;
  }
}
