// Mapping a frame: retype a 4 KiB frame, map it at a virtual address (sel4utils' mapFrame makes
// the page tables the mapping needs), and use it. A read-only copy of the cap maps the same
// memory again, read-only.
import * as L from '@tsel4/libsel4';
import { Allocator, mapFrame, println } from '@tsel4/sel4utils';

export default function* main() {
  const CNODE = L.seL4_CapInitThreadCNode;
  const alloc = new Allocator(L.seL4_GetBootInfo());
  const frame = yield* alloc.allocFrame();
  const tables = yield* mapFrame(alloc, frame, 0x1000_0000);
  yield* L.tsel4_write64(0x1000_0008, 42);
  yield* println(`mapped with ${tables.length} new page table(s); read back ${yield* L.tsel4_read64(0x1000_0008)}`);
  const ro = alloc.allocSlot();
  yield* L.seL4_CNode_Copy(CNODE, ro, 64, CNODE, frame, 64, L.seL4_CanRead);
  yield* mapFrame(alloc, ro, 0x1000_1000);
  yield* println(`the same frame at 0x10001000: ${yield* L.tsel4_read64(0x1000_1008)}`);
}
