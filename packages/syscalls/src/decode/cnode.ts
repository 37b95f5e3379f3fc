/*
 * decodeCNodeInvocation (seL4: src/object/cnode.c): the label and length checks, then the typed
 * operations of the object package, which continue the checks in seL4's order.
 */

import { setThreadState } from '@tsel4/kernel';
import {
  cnodeCancelBadgedSends,
  cnodeCopyFamily,
  cnodeDelete,
  cnodeRevoke,
  cnodeRotate,
  cnodeSaveCaller,
  type CopyOp,
  type OpResult,
  type SlotRef,
  SyscallError,
  TCB_CALLER,
  ThreadState,
} from '@tsel4/object';
import type { Invocation } from '../invocation.js';

/** Run a decoded operation with the caller in Restart (so a preempted one re-runs), as seL4 does. */
export function performing(inv: Invocation, op: () => OpResult): OpResult {
  setThreadState(inv.k, inv.cur, ThreadState.Restart);
  const r = op();
  if (r instanceof SyscallError) inv.cur.state = ThreadState.Running;
  return r;
}

export function decodeCNodeInvocation(inv: Invocation): OpResult {
  const L = inv.L;
  const label = inv.label;
  if (label < L['CNodeRevoke']! || label > L['CNodeSaveCaller']!) return SyscallError.illegalOperation();
  if (inv.length < 2) return SyscallError.truncatedMessage();
  const space = inv.k.space;
  const dest: SlotRef = { root: inv.cap, indexLo: inv.lo(0), indexHi: inv.hi(0), depth: inv.arg(1) };

  if (label >= L['CNodeCopy']! && label <= L['CNodeMutate']!) {
    const op = (['Copy', 'Mint', 'Move', 'Mutate'] as const)[label - L['CNodeCopy']!] as CopyOp;
    const ex0 = inv.extra(0);
    const src: SlotRef | undefined =
      inv.length >= 4 && ex0 !== null ? { root: ex0.cap, indexLo: inv.lo(2), indexHi: inv.hi(2), depth: inv.arg(3) } : undefined;
    const rights = (op === 'Copy' || op === 'Mint') && inv.length >= 5 ? inv.lo(4) & 0xf : undefined;
    const dataIndex = op === 'Mint' ? 5 : 4;
    const data = (op === 'Mint' || op === 'Mutate') && inv.length > dataIndex ? { lo: inv.lo(dataIndex), hi: inv.hi(dataIndex) } : undefined;
    return performing(inv, () => cnodeCopyFamily(space, op, dest, { src, rights, data }));
  }
  if (label === L['CNodeRevoke']) return performing(inv, () => cnodeRevoke(space, dest));
  if (label === L['CNodeDelete']) return performing(inv, () => cnodeDelete(space, dest));
  if (label === L['CNodeSaveCaller']) {
    return performing(inv, () => cnodeSaveCaller(space, dest, inv.cur.ctes[TCB_CALLER]!));
  }
  if (label === L['CNodeCancelBadgedSends']) return performing(inv, () => cnodeCancelBadgedSends(space, dest));
  // CNodeRotate
  const ex0 = inv.extra(0);
  const ex1 = inv.extra(1);
  const full = inv.length >= 8 && ex0 !== null && ex1 !== null;
  return performing(inv, () =>
    cnodeRotate(space, dest, {
      pivotData: full ? { lo: inv.lo(2), hi: inv.hi(2) } : undefined,
      pivot: full ? { root: ex0.cap, indexLo: inv.lo(3), indexHi: inv.hi(3), depth: inv.arg(4) } : undefined,
      srcData: full ? { lo: inv.lo(5), hi: inv.hi(5) } : undefined,
      src: full ? { root: ex1.cap, indexLo: inv.lo(6), indexHi: inv.hi(6), depth: inv.arg(7) } : undefined,
    }),
  );
}
