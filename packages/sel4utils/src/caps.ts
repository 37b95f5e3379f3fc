/*
 * Capability helpers for a root task: minting badged copies, copies with fewer rights, and
 * moving the root task out of the way so other threads run.
 */

import {
  seL4_AllRights,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadTCB,
  seL4_CNode_Copy,
  seL4_CNode_Mint,
  seL4_MaxPrio,
  seL4_TCB_SetPriority,
  type seL4_Word,
  type TrapToken,
  currentThread,
} from '@tsel4/libsel4';
import type { Allocator } from './alloc.js';
import { Sel4Error } from './errors.js';

/** Mint a copy of `src` (a root-CNode cptr) with `badge` and `rights` into a new slot. */
export function* mint(alloc: Allocator, src: number, badge: seL4_Word, rights = seL4_AllRights): Generator<TrapToken, number, unknown> {
  const slot = alloc.allocSlot();
  const wb = currentThread().arch.wordBits;
  const err = yield* seL4_CNode_Mint(seL4_CapInitThreadCNode, slot, wb, seL4_CapInitThreadCNode, src, wb, rights, badge);
  if (err !== 0) throw new Sel4Error('seL4_CNode_Mint', `slot ${src} -> ${slot}`, err);
  return slot;
}

/** Copy `src` with `rights` into a new slot. */
export function* copy(alloc: Allocator, src: number, rights = seL4_AllRights): Generator<TrapToken, number, unknown> {
  const slot = alloc.allocSlot();
  const wb = currentThread().arch.wordBits;
  const err = yield* seL4_CNode_Copy(seL4_CapInitThreadCNode, slot, wb, seL4_CapInitThreadCNode, src, wb, rights);
  if (err !== 0) throw new Sel4Error('seL4_CNode_Copy', `slot ${src} -> ${slot}`, err);
  return slot;
}

/**
 * Let every runnable thread below the root task run until it blocks: drop the root task to
 * priority 0 and come back to 255 (the reference scenarios' ref_run_others).
 */
export function* runOthers(): Generator<TrapToken, void, unknown> {
  yield* seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 0);
  yield* seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, seL4_MaxPrio);
}
