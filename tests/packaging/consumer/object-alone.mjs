// A plain Node ESM script using @tsel4/object on its own (with the board from @tsel4/hal and the
// constants of @tsel4/libsel4): a root CNode, an untyped, Retype and Mint, and no kernel.
import { createBoard } from '@tsel4/hal';
import { seL4_AllRights, seL4_CapTableObject, seL4_EndpointObject } from '@tsel4/libsel4';
import { capTypeName, checkMdb, CNodeObj, cnodeCap, cnodeCopyFamily, ObjectSpace, untypedCap, untypedRetype, writeSlot } from '@tsel4/object';

const board = createBoard('qemu-riscv-virt');
const space = new ObjectSpace(board.arch, board.memory);
// a root CNode of 2^8 slots, guarded so that a word-sized cptr resolves in it
const root = new CNodeObj(board.ram[0].base + 0x10_0000, 8, board.arch.objects.slotBits);
const rootCap = cnodeCap(root, 8, board.arch.wordBits - 8, 0, 0);
writeSlot(root.slotAt(1), rootCap);
// 1 MiB of untyped memory, handed out full, as boot untypeds are
const utBase = board.ram[0].base + 0x100_0000;
writeSlot(root.slotAt(2), untypedCap(utBase, 20, 2 ** 20, false));

const result = (r) => (r === null ? 'seL4_NoError' : String(r));
const into = (offset, n) => ({ root: rootCap, nodeIndexLo: 0, nodeIndexHi: 0, nodeDepth: 0, nodeOffset: offset, numObjects: n });
console.log('retype 2 endpoints:', result(untypedRetype(space, root.slotAt(2), { type: seL4_EndpointObject, sizeBits: 0, ...into(10, 2) })));
console.log('retype a CNode of 2^4 slots:', result(untypedRetype(space, root.slotAt(2), { type: seL4_CapTableObject, sizeBits: 4, ...into(12, 1) })));
const slot = (n) => ({ root: rootCap, indexLo: n, indexHi: 0, depth: board.arch.wordBits });
console.log('mint badge 7:', result(cnodeCopyFamily(space, 'Mint', slot(13), { src: slot(10), rights: seL4_AllRights, data: { lo: 7, hi: 0 } })));
for (const n of [10, 11, 12, 13]) {
  const cap = root.slotAt(n).cap;
  console.log(`slot ${n}: ${capTypeName(cap.type)}${cap.type === root.slotAt(10).cap.type ? ` badge ${cap.badgeLo}` : ''}`);
}
console.log('a retype into a full slot:', result(untypedRetype(space, root.slotAt(2), { type: seL4_EndpointObject, sizeBits: 0, ...into(10, 1) })));
console.log('derivation tree:', checkMdb([root.slotAt(1)]).length === 0 ? 'consistent' : 'broken');
