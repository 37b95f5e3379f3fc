import * as L from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { runMachine } from '../src/index.js';

const { seL4_CapInitThreadCNode: CNODE, seL4_CapInitThreadTCB: TCB, seL4_CapInitThreadVSpace: VSPACE } = L;

function* server(ep: number) {
  const badge = { value: 0 as number | bigint };
  let info = yield* L.seL4_Recv(ep, badge);
  for (;;) {
    const x = L.seL4_GetMR(0);
    L.seL4_SetMR(0, x * 2);
    info = yield* L.seL4_ReplyRecv(ep, L.seL4_MessageInfo_new(9, 0, 0, 1), badge);
    void info;
  }
}

function* root() {
  const bi = L.seL4_GetBootInfo();
  let free = bi.empty.start;
  const ut = bi.untyped.start + bi.untypedList.findIndex((u) => !u.isDevice && u.sizeBits >= 20);
  const make = function* (type: number, size = 0) {
    const slot = free++;
    const e = yield* L.seL4_Untyped_Retype(ut, type, size, CNODE, 0, 0, slot, 1);
    if (e !== 0) throw new Error(`retype ${type}: ${L.seL4_ErrorName(e)}`);
    return slot;
  };
  const ep = yield* make(L.seL4_EndpointObject);
  const tcb = yield* make(L.seL4_TCBObject);
  const frame = yield* make(L.smallPageObject('x86_64'));
  let e = yield* L.seL4_TCB_Configure(tcb, 0, CNODE, 0, VSPACE, 0, 0x90_0000, frame);
  if (e !== 0) throw new Error(`configure: ${L.seL4_ErrorName(e)}`);
  e = yield* L.seL4_TCB_SetSchedParams(tcb, TCB, 254, 254);
  if (e !== 0) throw new Error(`prio: ${L.seL4_ErrorName(e)}`);
  e = yield* L.seL4_TCB_WriteRegisters(tcb, 1, 0, 20, { rip: L.tsel4_functionAddress(server as L.ThreadFunction), rdi: ep });
  if (e !== 0) throw new Error(`write regs: ${L.seL4_ErrorName(e)}`);
  for (let i = 1; i <= 3; i++) {
    L.seL4_SetMR(0, i);
    const reply = yield* L.seL4_Call(ep, L.seL4_MessageInfo_new(7, 0, 0, 1));
    for (const ch of `call ${i} -> label ${L.seL4_MessageInfo_get_label(reply)} mr0 ${L.seL4_GetMR(0)}\n`) yield* L.seL4_DebugPutChar(ch);
  }
}

describe('smoke', () => {
  it('runs a root task with a server thread', () => {
    const log: string[] = [];
    const r = runMachine(root as L.ThreadFunction, { checkInvariants: true, onKernelLog: (l) => log.push(l) });
    expect(r.console).toBe('call 1 -> label 9 mr0 2\ncall 2 -> label 9 mr0 4\ncall 3 -> label 9 mr0 6\n');
    // the root returns from its entry function: a VM fault at 0 with no handler (a double fault)
    expect(r.reason).toBe('idle');
    expect(r.stats.doubleFaults).toBe(1);
    expect(log.join('\n')).toMatch(/vm fault on data at address 0000000000000000/);
    // the server's ReplyRecv always takes the fastpath; the root's Calls do once the server waits
    expect(r.stats.fastpath.replyRecv).toEqual({ hits: 3, misses: 0 });
    expect(r.stats.fastpath.call.hits).toBeGreaterThan(0);
  });
});
