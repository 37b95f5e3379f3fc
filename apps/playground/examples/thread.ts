// A thread, made the seL4 way: retype a TCB from untyped memory, give it a CSpace, a VSpace and an
// IPC buffer (TCB_Configure), a priority, and registers (pc = the function, arguments in the
// argument registers), and resume it. sel4utils' spawn() does all of this.
import * as L from '@tsel4/libsel4';
import { println } from '@tsel4/sel4utils';

function* worker(a: number, b: number, self: number) {
  yield* println(`worker: ${a} + ${b} = ${a + b}`);
  yield* L.seL4_TCB_Suspend(self);
}

export default function* main() {
  const CNODE = L.seL4_CapInitThreadCNode;
  const bi = L.seL4_GetBootInfo();
  const ut = bi.untyped.start + bi.untypedList.findIndex((u) => !u.isDevice && u.sizeBits >= 20);
  const [tcb, frame] = [bi.empty.start, bi.empty.start + 1];
  const arch = L.currentThread().arch;
  yield* L.seL4_Untyped_Retype(ut, L.seL4_TCBObject, 0, CNODE, 0, 0, tcb, 1);
  yield* L.seL4_Untyped_Retype(ut, L.smallPageObject(arch.name), 0, CNODE, 0, 0, frame, 1);
  yield* L.seL4_TCB_Configure(tcb, 0, CNODE, 0, L.seL4_CapInitThreadVSpace, 0, 0x1000_0000, frame);
  yield* L.seL4_TCB_SetPriority(tcb, L.seL4_CapInitThreadTCB, 200);
  const names = arch.userContextNames;
  const arg = (i: number) => names[arch.userContext.indexOf(arch.argRegs[i]!)]!;
  const regs = { [names[0]!]: L.tsel4_functionAddress(worker), [arg(0)]: 40, [arg(1)]: 2, [arg(2)]: tcb };
  const e = yield* L.seL4_TCB_WriteRegisters(tcb, 1, 0, arch.userContext.length, regs);
  yield* println(`root: WriteRegisters with resume -> ${L.seL4_ErrorName(e)}; the worker runs when the root task is done`);
}
