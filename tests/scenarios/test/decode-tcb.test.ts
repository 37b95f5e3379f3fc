/*
 * TCB invocation decoding (seL4: decodeTCBInvocation and the decode functions beside it; digest
 * 7.2): truncation, self-targeting, register counts, authority and MCP checks, IPC buffer frames,
 * CSpace/VSpace roots, notification binding.
 */
import * as L from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { type Case, inv, runTable } from './decode-kit.js';

const CN = L.seL4_CapInitThreadCNode;
const VS = L.seL4_CapInitThreadVSpace;
const ME = L.seL4_CapInitThreadTCB;
const BUF = 0x1000_0000;

const cases: Case[] = [
  { name: 'a CNode label on a TCB cap', run: (k) => inv(k.tcb, 'CNodeCopy', [0, 0]), expect: 'IllegalOperation' },
  { name: 'ReadRegisters with 1 word', run: (k) => inv(k.tcb, 'TCBReadRegisters', [0]), expect: 'TruncatedMessage' },
  { name: 'ReadRegisters of 0 registers', run: (k) => inv(k.tcb, 'TCBReadRegisters', [0, 0]), expect: 'RangeError 1 20' },
  { name: 'ReadRegisters of 21 registers', run: (k) => inv(k.tcb, 'TCBReadRegisters', [0, 21]), expect: 'RangeError 1 20' },
  { name: 'ReadRegisters of yourself', run: () => inv(ME, 'TCBReadRegisters', [0, 1]), expect: 'IllegalOperation' },
  // rip, rsp, rflags of a thread never run: rflags holds seL4's user default 0x202
  { name: 'ReadRegisters of 3 registers', run: (k) => inv(k.tcb, 'TCBReadRegisters', [0, 3]), expect: 'NoError 0 0 514' },
  { name: 'WriteRegisters with 1 word', run: (k) => inv(k.tcb, 'TCBWriteRegisters', [0]), expect: 'TruncatedMessage' },
  { name: 'WriteRegisters of 3 registers with 2 values', run: (k) => inv(k.tcb, 'TCBWriteRegisters', [0, 3, 1, 2]), expect: 'TruncatedMessage' },
  { name: 'WriteRegisters of yourself', run: () => inv(ME, 'TCBWriteRegisters', [0, 1, 0x400000]), expect: 'IllegalOperation' },
  { name: 'CopyRegisters without a source cap', run: (k) => inv(k.tcb, 'TCBCopyRegisters', [0]), expect: 'TruncatedMessage' },
  { name: 'CopyRegisters without flags', run: (k) => inv(k.tcb, 'TCBCopyRegisters', [], [ME]), expect: 'TruncatedMessage' },
  { name: 'CopyRegisters from an endpoint', run: (k) => inv(k.tcb, 'TCBCopyRegisters', [0], [k.ep]), expect: 'InvalidCapability 1' },
  { name: 'Configure with 3 words', run: (k) => inv(k.tcb, 'TCBConfigure', [0, 0, 0], [CN, VS, k.frame]), expect: 'TruncatedMessage' },
  { name: 'Configure with 2 caps', run: (k) => inv(k.tcb, 'TCBConfigure', [0, 0, 0, BUF], [CN, VS]), expect: 'TruncatedMessage' },
  { name: 'Configure with an endpoint as IPC buffer', run: (k) => inv(k.tcb, 'TCBConfigure', [0, 0, 0, BUF], [CN, VS, k.ep]), expect: 'IllegalOperation' },
  { name: 'Configure with a misaligned IPC buffer', run: (k) => inv(k.tcb, 'TCBConfigure', [0, 0, 0, BUF + 0x100], [CN, VS, k.frame]), expect: 'AlignmentError' },
  { name: 'Configure with an endpoint as CSpace root', run: (k) => inv(k.tcb, 'TCBConfigure', [0, 0, 0, BUF], [k.ep, VS, k.frame]), expect: 'IllegalOperation' },
  { name: 'Configure with an endpoint as VSpace root', run: (k) => inv(k.tcb, 'TCBConfigure', [0, 0, 0, BUF], [CN, k.ep, k.frame]), expect: 'IllegalOperation' },
  { name: 'Configure, buffer 0 (the frame is ignored)', run: (k) => inv(k.tcb, 'TCBConfigure', [0, 0, 0, 0], [CN, VS, k.ep]), expect: 'NoError' },
  { name: 'SetPriority without authority', run: (k) => inv(k.tcb, 'TCBSetPriority', [10]), expect: 'TruncatedMessage' },
  { name: 'SetPriority without a priority', run: (k) => inv(k.tcb, 'TCBSetPriority', [], [ME]), expect: 'TruncatedMessage' },
  { name: 'SetPriority with an endpoint as authority', run: (k) => inv(k.tcb, 'TCBSetPriority', [10], [k.ep]), expect: 'InvalidCapability 1' },
  { name: 'SetPriority 256', run: (k) => inv(k.tcb, 'TCBSetPriority', [256], [ME]), expect: 'RangeError 0 255' },
  // the MCP checked is the authority's (100 here), not the caller's
  { name: 'SetPriority above the authority\'s MCP', run: (k) => inv(ME, 'TCBSetPriority', [101], [k.tcb]), expect: 'RangeError 0 100' },
  { name: 'SetMCPriority 256', run: (k) => inv(k.tcb, 'TCBSetMCPriority', [256], [ME]), expect: 'RangeError 0 255' },
  { name: 'SetMCPriority with an endpoint as authority', run: (k) => inv(k.tcb, 'TCBSetMCPriority', [1], [k.ep]), expect: 'InvalidCapability 1' },
  { name: 'SetSchedParams with 1 word', run: (k) => inv(k.tcb, 'TCBSetSchedParams', [10], [ME]), expect: 'TruncatedMessage' },
  { name: 'SetSchedParams with MCP 256 (checked first)', run: (k) => inv(k.tcb, 'TCBSetSchedParams', [256, 300], [ME]), expect: 'RangeError 0 255' },
  { name: 'SetSchedParams with priority 256', run: (k) => inv(k.tcb, 'TCBSetSchedParams', [10, 256], [ME]), expect: 'RangeError 0 255' },
  { name: 'SetIPCBuffer without words', run: (k) => inv(k.tcb, 'TCBSetIPCBuffer', [], [k.frame]), expect: 'TruncatedMessage' },
  { name: 'SetIPCBuffer without a frame', run: (k) => inv(k.tcb, 'TCBSetIPCBuffer', [BUF]), expect: 'TruncatedMessage' },
  { name: 'SetIPCBuffer misaligned', run: (k) => inv(k.tcb, 'TCBSetIPCBuffer', [BUF + 8], [k.frame]), expect: 'AlignmentError' },
  { name: 'SetIPCBuffer with a notification', run: (k) => inv(k.tcb, 'TCBSetIPCBuffer', [BUF], [k.ntfn]), expect: 'IllegalOperation' },
  { name: 'SetIPCBuffer 0 clears it', run: (k) => inv(k.tcb, 'TCBSetIPCBuffer', [0], [k.ntfn]), expect: 'NoError' },
  { name: 'SetSpace with 2 words', run: (k) => inv(k.tcb, 'TCBSetSpace', [0, 0], [CN, VS]), expect: 'TruncatedMessage' },
  { name: 'SetSpace with 1 cap', run: (k) => inv(k.tcb, 'TCBSetSpace', [0, 0, 0], [CN]), expect: 'TruncatedMessage' },
  { name: 'SetSpace with a null CSpace (THREADS0004)', run: (k) => inv(k.tcb, 'TCBSetSpace', [0, 0, 0], [k.empty, VS]), expect: 'IllegalOperation' },
  { name: 'SetSpace with a TCB as VSpace', run: (k) => inv(k.tcb, 'TCBSetSpace', [0, 0, 0], [CN, ME]), expect: 'IllegalOperation' },
  { name: 'BindNotification without a cap', run: (k) => inv(k.tcb, 'TCBBindNotification', []), expect: 'TruncatedMessage' },
  { name: 'BindNotification to an endpoint', run: (k) => inv(k.tcb, 'TCBBindNotification', [], [k.ep]), expect: 'IllegalOperation' },
  {
    name: 'BindNotification through a cap without Read',
    run: function* (k) {
      const wo = k.c.alloc.allocSlot();
      yield* L.seL4_CNode_Copy(CN, wo, 64, CN, k.ntfn, 64, L.seL4_CapRights_new(0, 0, 0, 1));
      return yield* inv(k.tcb, 'TCBBindNotification', [], [wo]);
    },
    expect: 'IllegalOperation',
  },
  { name: 'UnbindNotification when not bound', run: (k) => inv(k.tcb, 'TCBUnbindNotification', []), expect: 'IllegalOperation' },
  { name: 'BindNotification', run: (k) => inv(k.tcb, 'TCBBindNotification', [], [k.ntfn]), expect: 'NoError' },
  { name: 'BindNotification when already bound', run: (k) => inv(k.tcb, 'TCBBindNotification', [], [k.ntfn]), expect: 'IllegalOperation' },
  { name: 'BindNotification to one bound elsewhere', run: (k) => inv(ME, 'TCBBindNotification', [], [k.ntfn]), expect: 'IllegalOperation' },
  { name: 'UnbindNotification', run: (k) => inv(k.tcb, 'TCBUnbindNotification', []), expect: 'NoError' },
  { name: 'SetTLSBase without a word', run: (k) => inv(k.tcb, 'TCBSetTLSBase', []), expect: 'TruncatedMessage' },
  { name: 'SetTLSBase', run: (k) => inv(k.tcb, 'TCBSetTLSBase', [0x1234]), expect: 'NoError' },
  { name: 'SetFlags with 1 word', run: (k) => inv(k.tcb, 'TCBSetFlags', [0]), expect: 'TruncatedMessage' },
  // x86_64 has an FPU: seL4_TCBFlag_fpuDisabled (1) is the one flag; the reply carries the new flags
  { name: 'SetFlags set fpuDisabled and an unknown bit', run: (k) => inv(k.tcb, 'TCBSetFlags', [0, 0x3]), expect: 'NoError 1' },
  { name: 'SetFlags clear it', run: (k) => inv(k.tcb, 'TCBSetFlags', [1, 0]), expect: 'NoError 0' },
  { name: 'Suspend', run: (k) => inv(k.tcb, 'TCBSuspend', []), expect: 'NoError' },
  // the remaining errors of the interface table's lists
  { name: 'SetMCPriority without the authority', run: (k) => inv(k.tcb, 'TCBSetMCPriority', [1]), expect: 'TruncatedMessage' },
  { name: 'SetSchedParams with an endpoint as authority', run: (k) => inv(k.tcb, 'TCBSetSchedParams', [1, 1], [k.ep]), expect: 'InvalidCapability 1' },
  {
    // deriving an untyped that has children is RevokeFirst, before its type is looked at
    name: 'SetSpace with an untyped that has children as CSpace',
    run: function* (k) {
      const e = yield* L.seL4_Untyped_Retype(k.ut, L.seL4_EndpointObject, 0, CN, 0, 0, k.c.alloc.allocSlot(), 1);
      return `${e} ` + (yield* inv(k.tcb, 'TCBSetSpace', [0, 0, 0], [k.ut, VS]));
    },
    expect: '0 RevokeFirst',
  },
  { name: 'Configure with an untyped that has children as CSpace', run: (k) => inv(k.tcb, 'TCBConfigure', [0, 0, 0, 0], [k.ut, VS, k.frame]), expect: 'RevokeFirst' },
  { name: 'SetIPCBuffer in an untyped that has children', run: (k) => inv(k.tcb, 'TCBSetIPCBuffer', [BUF], [k.ut]), expect: 'RevokeFirst' },
];

describe('TCB decoding', () => {
  const got = runTable(cases);
  it.each(cases.map((k) => [k.name, k.expect] as const))('%s -> %s', (name, expected) => {
    expect(got.get(name)).toBe(expected);
  });
});
