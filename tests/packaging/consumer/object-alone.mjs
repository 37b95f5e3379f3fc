// A plain Node ESM script using @tsel4/object on its own (with the board from @tsel4/hal and the
// constants of @tsel4/libsel4): a root CNode, an untyped, Retype and Mint, and no kernel. The
// object package holds seL4's invoke functions, which cannot fail; seL4's checks before them are
// the decoders' (in @tsel4/syscalls, see object-checked.mjs), so this script makes the few it
// needs with the object package's own check functions.
import { createBoard } from '@tsel4/hal';
import { seL4_AllRights, seL4_CapTableObject, seL4_EndpointObject } from '@tsel4/libsel4';
import {
  capTypeName,
  checkMdb,
  CNodeObj,
  cnodeCap,
  deriveCap,
  ensureEmptySlot,
  ensureNoChildren,
  getObjectSize,
  invokeCNodeInsert,
  invokeUntyped_Retype,
  maskCapRights,
  ObjectSpace,
  SyscallError,
  untypedCap,
  updateCapData,
  writeSlot,
} from '@tsel4/object';

const board = createBoard('qemu-riscv-virt');
const space = new ObjectSpace(board.arch, board.memory);
// a root CNode of 2^8 slots, guarded so that a word-sized cptr resolves in it
const root = new CNodeObj(board.ram[0].base + 0x10_0000, 8, board.arch.objects.slotBits);
const rootCap = cnodeCap(root, 8, board.arch.wordBits - 8, 0, 0);
writeSlot(root.slotAt(1), rootCap);
// 1 MiB of untyped memory, handed out full, as boot untypeds are
const utBase = board.ram[0].base + 0x100_0000;
writeSlot(root.slotAt(2), untypedCap(utBase, 20, 2 ** 20, false));

/** Retype n objects from the untyped in slot 2 into root slots offset.. (seL4's invokeUntyped_Retype). */
function retype(type, userSize, offset, n) {
  for (let i = offset; i < offset + n; i++) {
    const full = ensureEmptySlot(root.slotAt(i));
    if (full !== null) return full;
  }
  const ut = root.slotAt(2);
  // an untyped with no children is allocated from its start again
  const reset = ensureNoChildren(ut) === null;
  const align = 2 ** getObjectSize(space, type, userSize);
  const base = Math.ceil((ut.cap.untypedBase + (reset ? 0 : ut.cap.freeOffset)) / align) * align;
  return invokeUntyped_Retype(space, ut, reset, base, type, userSize, root, offset, n, false);
}

/** Mint the cap in slot src into slot dest with a badge (seL4's invokeCNodeInsert). */
function mint(dest, src, rights, badge) {
  const full = ensureEmptySlot(root.slotAt(dest));
  if (full !== null) return full;
  const from = root.slotAt(src);
  const cap = deriveCap(from, updateCapData(false, badge, 0, maskCapRights(rights, from.cap), board.arch.wordBits));
  if (cap instanceof SyscallError) return cap;
  invokeCNodeInsert(cap, from, root.slotAt(dest));
  return null;
}

const result = (r) => (r === null ? 'seL4_NoError' : String(r));
console.log('retype 2 endpoints:', result(retype(seL4_EndpointObject, 0, 10, 2)));
console.log('retype a CNode of 2^4 slots:', result(retype(seL4_CapTableObject, 4, 12, 1)));
console.log('mint badge 7:', result(mint(13, 10, seL4_AllRights, 7)));
for (const n of [10, 11, 12, 13]) {
  const cap = root.slotAt(n).cap;
  console.log(`slot ${n}: ${capTypeName(cap.type)}${cap.type === root.slotAt(10).cap.type ? ` badge ${cap.badgeLo}` : ''}`);
}
console.log('a retype into a full slot:', result(retype(seL4_EndpointObject, 0, 10, 1)));
console.log('derivation tree:', checkMdb([root.slotAt(1)]).length === 0 ? 'consistent' : 'broken');
