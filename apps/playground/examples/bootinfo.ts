// Bootinfo: what the kernel tells the root task at boot (seL4_BootInfo): its empty slots, the
// untyped memory it owns, and where its IPC buffer is.
import * as L from '@tsel4/libsel4';
import { println } from '@tsel4/sel4utils';

export default function* main() {
  const bi = L.seL4_GetBootInfo();
  yield* println(`CNode: 2^${bi.initThreadCNodeSizeBits} slots, empty slots ${bi.empty.start}..${bi.empty.end - 1}`);
  yield* println(`untyped caps in slots ${bi.untyped.start}..${bi.untyped.end - 1}:`);
  bi.untypedList.forEach((u, i) => {
    // printing needs yield*, so collect first
    lines.push(`  slot ${bi.untyped.start + i}: 2^${u.sizeBits} bytes at 0x${u.paddr.toString(16)}${u.isDevice ? ' (device)' : ''}`);
  });
  for (const l of lines.slice(0, 8)) yield* println(l);
  if (lines.length > 8) yield* println(`  ... and ${lines.length - 8} more`);
  yield* println(`IPC buffer at 0x${bi.ipcBuffer.toString(16)}`);
}
const lines: string[] = [];
