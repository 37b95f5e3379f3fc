/*
 * decodeUntypedInvocation (seL4: src/object/untyped.c): label and length, then the object
 * package's untypedRetype continues the checks in seL4's order.
 */

import { type OpResult, SyscallError, untypedRetype } from '@tsel4/object';
import type { Invocation } from '../invocation.js';
import { performing } from './cnode.js';

export function decodeUntypedInvocation(inv: Invocation): OpResult {
  if (inv.label !== inv.L['UntypedRetype']) return SyscallError.illegalOperation();
  const root = inv.extra(0);
  if (inv.length < 6 || root === null) return SyscallError.truncatedMessage();
  return performing(inv, () =>
    untypedRetype(inv.k.space, inv.slot, {
      type: inv.arg(0),
      sizeBits: inv.arg(1),
      root: root.cap,
      nodeIndexLo: inv.lo(2),
      nodeIndexHi: inv.hi(2),
      nodeDepth: inv.arg(3),
      nodeOffset: inv.arg(4),
      numObjects: inv.arg(5),
    }),
  );
}
