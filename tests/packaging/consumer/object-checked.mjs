// The same CNodes with seL4's checks: invokeObject from @tsel4/syscalls runs seL4's CNode and
// Untyped decoders on a plain message (the words and extra caps libsel4's stub would send), with
// no kernel, and answers seL4's errors with their extra words.
import { createBoard } from '@tsel4/hal';
import { GenericLabel, seL4_AllRights, seL4_EndpointObject } from '@tsel4/libsel4';
import { capTypeName, CNodeObj, cnodeCap, ObjectSpace, untypedCap, writeSlot } from '@tsel4/object';
import { invokeObject } from '@tsel4/syscalls';

const board = createBoard('qemu-riscv-virt');
const space = new ObjectSpace(board.arch, board.memory);
const root = new CNodeObj(board.ram[0].base + 0x10_0000, 8, board.arch.objects.slotBits);
const rootCap = cnodeCap(root, 8, board.arch.wordBits - 8, 0, 0);
writeSlot(root.slotAt(1), rootCap);
writeSlot(root.slotAt(2), untypedCap(board.ram[0].base + 0x100_0000, 20, 2 ** 20, false));
const depth = board.arch.wordBits;

// an error prints as seL4's name and its extra words
const result = (r) => (r === null ? 'seL4_NoError' : String(r));
// seL4_Untyped_Retype(2, type, size_bits, root, node_index 0, node_depth 0, node_offset 10, num_objects 2)
console.log('retype 2 endpoints:', result(invokeObject(space, root.slotAt(2), GenericLabel.UntypedRetype, [seL4_EndpointObject, 0, 0, 0, 10, 2], [rootCap])));
// seL4_CNode_Mint(root, 13, depth, root, 10, depth, rights, badge 7)
console.log('mint badge 7:', result(invokeObject(space, root.slotAt(1), GenericLabel.CNodeMint, [13, depth, 10, depth, seL4_AllRights, 7], [rootCap])));
console.log(`slot 13: ${capTypeName(root.slotAt(13).cap.type)} badge ${root.slotAt(13).cap.badgeLo}`);
console.log('mint from an empty slot:', result(invokeObject(space, root.slotAt(1), GenericLabel.CNodeMint, [14, depth, 20, depth, seL4_AllRights, 7], [rootCap])));
console.log('retype 300 objects:', result(invokeObject(space, root.slotAt(2), GenericLabel.UntypedRetype, [seL4_EndpointObject, 0, 0, 0, 20, 300], [rootCap])));
console.log('a retype into a full slot:', result(invokeObject(space, root.slotAt(2), GenericLabel.UntypedRetype, [seL4_EndpointObject, 0, 0, 0, 10, 1], [rootCap])));
console.log('delete at depth 0:', result(invokeObject(space, root.slotAt(1), GenericLabel.CNodeDelete, [13, 0])));
