// Shorthands for calling CNode and Untyped methods the way the root task would: each builds the
// message libsel4's stub would send (words and extra caps) and runs the kernel's decoder on it
// through invokeObject (src/objectcall.ts), with no kernel around. An argument left undefined is a
// message too short to carry it.
import { GenericLabel, seL4_EndpointObject } from '@tsel4/libsel4';
import { type Cap, CapType, type Cte, Cte as CteClass, type ObjectSpace, type OpResult, SyscallError } from '@tsel4/object';
import { invokeObject } from '../../src/objectcall.js';
import { type World, UT_SLOT } from './fixture.js';

/** A slot named by a CNode cap, a cptr (word halves) and a depth, as CNode methods take them. */
export interface SlotRef {
  readonly root: Cap;
  readonly indexLo: number;
  readonly indexHi: number;
  readonly depth: number;
}

export interface WordArg {
  readonly lo: number;
  readonly hi: number;
}

export type CopyOp = 'Copy' | 'Mint' | 'Move' | 'Mutate';

const word = (lo: number, hi: number) => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

/** A slot holding `cap`, owned by no CNode (the invoked CNode cap's slot is never read). */
function looseSlot(cap: Cap): Cte {
  const s = new CteClass(null, 0);
  s.cap = cap;
  return s;
}

function cnodeCall(space: ObjectSpace, label: number, dest: SlotRef, rest: readonly bigint[], extras: readonly Cap[], caller?: Cte): OpResult {
  const words = [word(dest.indexLo, dest.indexHi), BigInt(dest.depth), ...rest];
  return invokeObject(space, looseSlot(dest.root), label, words, extras, caller);
}

/** seL4_CNode_Copy, _Mint, _Move and _Mutate. */
export function cnodeCopyFamily(
  space: ObjectSpace,
  op: CopyOp,
  dest: SlotRef,
  args: { src: SlotRef | undefined; rights?: number | undefined; data?: WordArg | undefined },
): OpResult {
  const label = { Copy: GenericLabel.CNodeCopy, Mint: GenericLabel.CNodeMint, Move: GenericLabel.CNodeMove, Mutate: GenericLabel.CNodeMutate }[op];
  const src = args.src;
  if (src === undefined) return cnodeCall(space, label, dest, [], []);
  const rest = [word(src.indexLo, src.indexHi), BigInt(src.depth)];
  if (op === 'Copy' || op === 'Mint') {
    if (args.rights !== undefined) {
      rest.push(BigInt(args.rights));
      if (op === 'Mint' && args.data !== undefined) rest.push(word(args.data.lo, args.data.hi));
    }
  } else if (op === 'Mutate' && args.data !== undefined) {
    rest.push(word(args.data.lo, args.data.hi));
  }
  return cnodeCall(space, label, dest, rest, [src.root]);
}

export function cnodeDelete(space: ObjectSpace, dest: SlotRef): OpResult {
  return cnodeCall(space, GenericLabel.CNodeDelete, dest, [], []);
}

export function cnodeRevoke(space: ObjectSpace, dest: SlotRef): OpResult {
  return cnodeCall(space, GenericLabel.CNodeRevoke, dest, [], []);
}

export function cnodeCancelBadgedSends(space: ObjectSpace, dest: SlotRef): OpResult {
  return cnodeCall(space, GenericLabel.CNodeCancelBadgedSends, dest, [], []);
}

export function cnodeSaveCaller(space: ObjectSpace, dest: SlotRef, callerSlot: Cte): OpResult {
  return cnodeCall(space, GenericLabel.CNodeSaveCaller, dest, [], [], callerSlot);
}

/** seL4_CNode_Rotate: pivot's cap to dest with pivotData, src's cap to pivot with srcData. */
export function cnodeRotate(space: ObjectSpace, dest: SlotRef, args: { pivot: SlotRef; pivotData: WordArg; src: SlotRef; srcData: WordArg }): OpResult {
  const { pivot, src, pivotData, srcData } = args;
  const rest = [
    word(pivotData.lo, pivotData.hi),
    word(pivot.indexLo, pivot.indexHi),
    BigInt(pivot.depth),
    word(srcData.lo, srcData.hi),
    word(src.indexLo, src.indexHi),
    BigInt(src.depth),
  ];
  return cnodeCall(space, GenericLabel.CNodeRotate, dest, rest, [pivot.root, src.root]);
}

/** Arguments of seL4_Untyped_Retype. */
export interface RetypeArgs {
  readonly type: number;
  readonly sizeBits: number;
  readonly root: Cap;
  readonly nodeIndexLo: number;
  readonly nodeIndexHi: number;
  readonly nodeDepth: number;
  readonly nodeOffset: number;
  readonly numObjects: number;
}

/** seL4_Untyped_Retype on the untyped cap in `slot`. */
export function untypedRetype(space: ObjectSpace, slot: Cte, a: RetypeArgs): OpResult {
  const words = [a.type, a.sizeBits, word(a.nodeIndexLo, a.nodeIndexHi), a.nodeDepth, a.nodeOffset, a.numObjects].map((v) => BigInt(v));
  // the property test retypes whatever its slot holds: another object's decoder (which needs a
  // kernel) answers an Untyped label with IllegalOperation, and an endpoint would take it as a send
  if (slot.cap.type !== CapType.Untyped && slot.cap.type !== CapType.Null && slot.cap.type !== CapType.CNode) return SyscallError.illegalOperation();
  return invokeObject(space, slot, GenericLabel.UntypedRetype, words, [a.root]);
}

/** Retype `n` objects into root slots starting at `dest` (node_depth 0: the root CNode itself). */
export function retype(w: World, type: number, sizeBits: number, dest: number, n = 1, ut = UT_SLOT): OpResult {
  return untypedRetype(w.space, w.slot(ut), {
    type,
    sizeBits,
    root: w.rootCap,
    nodeIndexLo: 0,
    nodeIndexHi: 0,
    nodeDepth: 0,
    nodeOffset: dest,
    numObjects: n,
  });
}

export function makeEndpoint(w: World, dest: number): void {
  const r = retype(w, seL4_EndpointObject, 0, dest);
  if (r !== null) throw new Error(`retype failed: ${String(r)}`);
}

/** A slot of the root CNode as a CNode method names it: index n, depth wordBits. */
export function ref(w: World, n: number | bigint, depth?: number): SlotRef {
  const v = BigInt(n);
  return {
    root: w.rootCap,
    indexLo: Number(v & 0xffffffffn),
    indexHi: Number((v >> 32n) & 0xffffffffn),
    depth: depth ?? w.space.wordBits,
  };
}

export function copy(w: World, op: CopyOp, dest: number, src: number, rights = 0xf, badge = 0): OpResult {
  return cnodeCopyFamily(w.space, op, ref(w, dest), {
    src: ref(w, src),
    rights,
    data: { lo: badge, hi: 0 },
  });
}

export function del(w: World, n: number): OpResult {
  return cnodeDelete(w.space, ref(w, n));
}

export function revoke(w: World, n: number): OpResult {
  return cnodeRevoke(w.space, ref(w, n));
}

export function rotate(w: World, dest: number, pivot: number, src: number, pivotData = 0, srcData = 0): OpResult {
  return cnodeRotate(w.space, ref(w, dest), {
    pivot: ref(w, pivot),
    pivotData: { lo: pivotData, hi: 0 },
    src: ref(w, src),
    srcData: { lo: srcData, hi: 0 },
  });
}
