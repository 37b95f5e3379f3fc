/*
 * Native C bridge figures (issue 9): Call + ReplyRecv round trips per second between two C
 * threads on the bridge, beside the same ping-pong written in TypeScript, measured in the same
 * run. Each timing runs a whole machine (the root task as client, one server thread, one-word
 * messages) and takes the median of several runs after a warm-up; building and loading the C
 * program is not timed.
 */
import { fileURLToPath } from 'node:url';
import * as L from '@tsel4/libsel4';
import { bridgeStatus, CProgram } from '@tsel4/libsel4-native';
import { Machine } from '@tsel4/syscalls';
import { type Figure, median } from '../figure.js';

const ROUNDS = 200_000;
const RUNS = 3;
const C_SOURCE = fileURLToPath(new URL('../../c/pingpong.c', import.meta.url));

/** Round trips per second of one run of `machine` (which does ROUNDS of them). */
function roundTripsPerSecond(machine: Machine, expectConsole: string): number {
  const t0 = process.hrtime.bigint();
  const r = machine.run({ maxSteps: 10 * ROUNDS });
  const t1 = process.hrtime.bigint();
  if (r.console !== expectConsole) throw new Error(`the ping-pong printed ${JSON.stringify(r.console)}`);
  return ROUNDS / (Number(t1 - t0) / 1e9);
}

function cRun(): number {
  const prog = CProgram.build([C_SOURCE], { cflags: [`-DROUNDS=${ROUNDS}`] });
  try {
    return roundTripsPerSecond(new Machine(prog.rootEntry(), prog.machineOptions()), `${ROUNDS}\n`);
  } finally {
    prog.dispose();
  }
}

function* tsServer(ep: number) {
  yield* L.seL4_Recv(ep, null);
  for (;;) {
    L.seL4_SetMR(0, L.seL4_GetMR(0) + 1);
    yield* L.seL4_ReplyRecv(ep, L.seL4_MessageInfo_new(0, 0, 0, 1), null);
  }
}

function* tsRoot() {
  const bi = L.seL4_GetBootInfo();
  const CNODE = L.seL4_CapInitThreadCNode;
  const ut = bi.untyped.start + bi.untypedList.findIndex((u) => u.isDevice === 0 && u.sizeBits >= 20);
  const [ep, tcb, frame] = [bi.empty.start, bi.empty.start + 1, bi.empty.start + 2];
  yield* L.seL4_Untyped_Retype(ut, L.seL4_EndpointObject, 0, CNODE, 0, 0, ep, 1);
  yield* L.seL4_Untyped_Retype(ut, L.seL4_TCBObject, 0, CNODE, 0, 0, tcb, 1);
  yield* L.seL4_Untyped_Retype(ut, L.smallPageObject('x86_64'), 0, CNODE, 0, 0, frame, 1);
  yield* L.seL4_TCB_Configure(tcb, 0, CNODE, 0, L.seL4_CapInitThreadVSpace, 0, 0x1000_0000, frame);
  yield* L.seL4_TCB_SetSchedParams(tcb, L.seL4_CapInitThreadTCB, 254, 254);
  yield* L.seL4_TCB_WriteRegisters(tcb, 1, 0, 20, { rip: L.tsel4_functionAddress(tsServer as L.ThreadFunction), rdi: ep });
  let x = 0;
  for (let i = 0; i < ROUNDS; i++) {
    L.seL4_SetMR(0, x);
    yield* L.seL4_Call(ep, L.seL4_MessageInfo_new(0, 0, 0, 1));
    x = L.seL4_GetMR(0);
  }
  for (const ch of `${x}\n`) yield* L.seL4_DebugPutChar(ch);
}

function tsRun(): number {
  return roundTripsPerSecond(new Machine(tsRoot as L.ThreadFunction), `${ROUNDS}\n`);
}

function medianOf(run: () => number): number {
  run(); // warm-up
  return median(Array.from({ length: RUNS }, run));
}

export const cbridgeFigures: Figure[] = [
  {
    name: 'cbridge.len1.rt_per_s',
    unit: 'rt/s',
    measure() {
      const st = bridgeStatus();
      if (!st.ok) return { value: Number.NaN, comparison: `not measured: ${st.reason}` };
      const c = medianOf(cRun);
      const ts = medianOf(tsRun);
      return {
        value: c,
        comparison: `TypeScript ping-pong, same run: ${Math.round(ts).toLocaleString('en-US')} rt/s; aim >= 500,000`,
      };
    },
  },
];
