/*
 * invokeObject: a CNode or Untyped method called with no kernel. It builds the message libsel4's
 * stub would send (label, argument words, extra caps) and runs seL4's decoder on it
 * (decodeCNodeInvocation or decodeUntypedInvocation, then their invoke function), so a library
 * user playing with CNodes and untypeds in an ObjectSpace gets every check seL4 makes and seL4's
 * errors. Those two decoders need only an ObjectInvocation (a message, the object space,
 * restart): this is that message, with no thread and no IPC buffer behind it.
 */

import { type Cap, CapType, Cte, type ObjectSpace, type OpResult, SyscallError } from '@tsel4/object';
import { decodeCNodeInvocation } from './decode/cnode.js';
import { decodeUntypedInvocation } from './decode/untyped.js';
import type { ObjectInvocation } from './invocation.js';

/** A slot owned by no object, holding `cap`: the form of one entry of the extra-cap list. */
function looseSlot(cap: Cap): Cte {
  const s = new Cte(null, 0);
  s.cap = cap;
  return s;
}

/**
 * Invoke the CNode or Untyped cap in `slot` as seL4_Call would, with no kernel: the message is
 * `label` (a `GenericLabel` of `@tsel4/libsel4`, e.g. `GenericLabel.CNodeMint`), the argument
 * words `args` in the order of libsel4's stub (`seL4_CNode_Mint(dest_root, dest_index,
 * dest_depth, src_root, src_index, src_depth, rights, badge)` sends dest_index, dest_depth,
 * src_index, src_depth, rights, badge; dest_root is the invoked cap) and the caps `extraCaps`
 * (src_root here). seL4's decoder checks the message in seL4's order and, when nothing fails,
 * the operation runs.
 *
 * Each word is taken modulo 2^wordBits (so -1 is the all-ones word); a message shorter than the
 * method needs is seL4's TruncatedMessage, as on seL4.
 *
 * @param space the object space the caps live in.
 * @param slot the slot holding the invoked cap (a CNode cap, or an Untyped cap: Retype advances
 *   the untyped's watermark in this slot and makes the new caps its children).
 * @param label the invocation label.
 * @param args the message words.
 * @param extraCaps the message's extra caps (seL4_SetCap(i, ...)).
 * @param callerSlot the invoking thread's caller slot, which only CNode_SaveCaller reads (an
 *   empty slot unless given).
 * @returns `null` (seL4_NoError), or seL4's error with its extra words (`String(error)` is its
 *   name, e.g. `seL4_DeleteFirst`), or `PREEMPTED` when a Revoke, Delete or Retype's reset stopped
 *   at a preemption point (call again to continue, as the restarted syscall does).
 * An empty slot (or a zombie) answers seL4_InvalidCapability for the invoked cap, as on seL4.
 *
 * @throws TypeError when the cap in `slot` is of another type: other objects' methods need a
 *   kernel (run them in a `Machine`).
 */
export function invokeObject(
  space: ObjectSpace,
  slot: Cte,
  label: number,
  args: readonly (number | bigint)[],
  extraCaps: readonly Cap[] = [],
  callerSlot: Cte = new Cte(null, 0),
): OpResult {
  const bits = space.wordBits;
  const words = args.map((a) => BigInt.asUintN(bits, BigInt(a)));
  const extras = extraCaps.map(looseSlot);
  const at = (i: number) => words[i] ?? 0n;
  const inv: ObjectInvocation = {
    space,
    label,
    length: words.length,
    cap: slot.cap,
    slot,
    word: at,
    lo: (i) => Number(at(i) & 0xffff_ffffn),
    hi: (i) => Number(at(i) >> 32n),
    extra: (i) => extras[i] ?? null,
    callerSlot: () => callerSlot,
    // no thread to put in Restart: the operation runs right after
    restart: () => {},
  };
  switch (slot.cap.type) {
    case CapType.CNode:
      return decodeCNodeInvocation(inv);
    case CapType.Untyped:
      return decodeUntypedInvocation(inv);
    case CapType.Null:
    case CapType.Zombie:
      // seL4: decodeInvocation, cap_null_cap / cap_zombie_cap
      return SyscallError.invalidCapability(0);
    default:
      throw new TypeError(`invokeObject: cap type ${slot.cap.type} is not a CNode or Untyped cap; other objects' methods need a kernel (a Machine)`);
  }
}
