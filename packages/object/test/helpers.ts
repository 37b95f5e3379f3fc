// Shorthands for calling object operations the way the root task would.
import { seL4_EndpointObject } from '@tsel4/libsel4';
import {
  cnodeCopyFamily,
  cnodeDelete,
  cnodeRevoke,
  cnodeRotate,
  type CopyOp,
  type OpResult,
  untypedRetype,
} from '../src/index.js';
import { type World, UT_SLOT } from './fixture.js';

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
export function ref(w: World, n: number | bigint, depth?: number) {
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
