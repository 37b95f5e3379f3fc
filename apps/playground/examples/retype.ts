// Untyped retype: all kernel objects are made from untyped memory. Each Retype carves objects
// from the untyped's free region (its watermark moves up); the new caps are the untyped's
// children in the derivation tree (select the untyped's slot to see them). A Retype that does
// not fit fails with seL4_NotEnoughMemory; revoking the untyped deletes every child.
import * as L from '@tsel4/libsel4';
import { println } from '@tsel4/sel4utils';

export default function* main() {
  const CNODE = L.seL4_CapInitThreadCNode;
  const bi = L.seL4_GetBootInfo();
  // the smallest non-device untyped
  let ut = -1;
  let bits = 64;
  bi.untypedList.forEach((u, i) => {
    if (!u.isDevice && u.sizeBits < bits) [ut, bits] = [bi.untyped.start + i, u.sizeBits];
  });
  yield* println(`untyped in slot ${ut}: 2^${bits} bytes`);
  const slot = bi.empty.start;
  let e = yield* L.seL4_Untyped_Retype(ut, L.seL4_EndpointObject, 0, CNODE, 0, 0, slot, 4);
  yield* println(`4 endpoints into slots ${slot}..${slot + 3}: ${L.seL4_ErrorName(e)}`);
  e = yield* L.seL4_Untyped_Retype(ut, L.seL4_UntypedObject, bits, CNODE, 0, 0, slot + 4, 1);
  yield* println(`an untyped as big as the whole one: ${L.seL4_ErrorName(e)}`);
  e = yield* L.seL4_Untyped_Retype(ut, L.seL4_NotificationObject, 0, CNODE, 0, 0, slot, 1);
  yield* println(`into an occupied slot: ${L.seL4_ErrorName(e)}`);
  e = yield* L.seL4_CNode_Revoke(CNODE, ut, 64);
  yield* println(`revoke the untyped: ${L.seL4_ErrorName(e)}; slot ${slot} now holds cap tag ${yield* L.seL4_DebugCapIdentify(slot)}`);
}
