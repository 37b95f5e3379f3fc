// Digest 5.2-5.6: CNode methods, their errors in seL4's order, badges and the derivation tree.
import { cnodeCapDataWord, seL4_CapTableObject, seL4_EndpointObject, seL4_NotificationObject, seL4_TCBObject } from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import {
  CapType,
  type CNodeObj,
  checkMdb,
  isFinalCapability,
  reachableSlots,
  replyCap,
  SyscallError,
  type Tcb,
  TCB_CALLER,
} from '@tsel4/object';
import { type World, world } from './fixture.js';
import {
  cnodeCancelBadgedSends,
  cnodeCopyFamily,
  cnodeSaveCaller,
  copy,
  del,
  makeEndpoint,
  ref,
  retype,
  revoke,
  rotate,
  untypedRetype,
} from './helpers.js';

const err = (r: unknown) => (r instanceof SyscallError ? r.toString() : String(r));
const order = (w: World, from: number) => {
  const out: number[] = [];
  for (let s = w.slot(from).mdbNext; s !== null; s = s.mdbNext) out.push(s.index);
  return out;
};
const healthy = (w: World) => expect(checkMdb(reachableSlots([w.slot(2)]))).toEqual([]);

function withTcb(): World {
  const w = world();
  expect(retype(w, seL4_TCBObject, 0, 30)).toBeNull();
  return w;
}

describe('Copy (CNODEOP0001)', () => {
  it('copies to an empty slot; DeleteFirst into an occupied one, checked before the source', () => {
    const w = withTcb();
    expect(copy(w, 'Copy', 31, 30)).toBeNull();
    expect(w.slot(31).cap.obj).toBe(w.slot(30).cap.obj);
    expect(err(copy(w, 'Copy', 31, 30))).toBe('seL4_DeleteFirst');
    expect(err(copy(w, 'Copy', 31, 40))).toBe('seL4_DeleteFirst');
    expect(err(copy(w, 'Copy', 41, 40))).toBe('seL4_FailedLookup [1,2,64]');
    healthy(w);
  });

  it('a missing source part of the message is TruncatedMessage, after the destination lookup', () => {
    const w = withTcb();
    expect(err(cnodeCopyFamily(w.space, 'Copy', ref(w, 31), { src: undefined }))).toBe('seL4_TruncatedMessage');
    expect(err(cnodeCopyFamily(w.space, 'Copy', ref(w, 31, 0), { src: undefined }))).toBe('seL4_RangeError [1,64]');
    expect(err(cnodeCopyFamily(w.space, 'Copy', ref(w, 31), { src: ref(w, 30) }))).toBe('seL4_TruncatedMessage');
    expect(err(cnodeCopyFamily(w.space, 'Copy', ref(w, 31), { src: ref(w, 40) }))).toBe('seL4_FailedLookup [1,2,64]');
  });

  it('copies are children of an original; a copy of a copy is a sibling', () => {
    const w = withTcb();
    expect(copy(w, 'Copy', 31, 30)).toBeNull();
    expect(copy(w, 'Copy', 32, 31)).toBeNull();
    // cteInsert puts each new cap right after its source
    expect(order(w, 30)).toEqual([31, 32]);
    expect(w.slot(31).revocable).toBe(false);
    expect(revoke(w, 31)).toBeNull();
    expect(w.slot(32).cap.type).toBe(CapType.Thread);
    expect(revoke(w, 30)).toBeNull();
    expect([31, 32].map((i) => w.slot(i).cap.type)).toEqual([CapType.Null, CapType.Null]);
    expect(w.slot(30).cap.type).toBe(CapType.Thread);
  });

  it('masks endpoint rights: asking for more than held gives the intersection', () => {
    const w = world();
    makeEndpoint(w, 20);
    expect(copy(w, 'Copy', 21, 20, 0b0011)).toBeNull();
    expect(w.slot(21).cap.rights).toBe(0b0011);
    expect(copy(w, 'Copy', 22, 21, 0b1110)).toBeNull();
    expect(w.slot(22).cap.rights).toBe(0b0010);
  });
});

describe('Mint and badges (digest 5.4, appendix A 4-5)', () => {
  it('mints a badge from an unbadged cap; a badged cap cannot be minted again, whatever the badge', () => {
    const w = world();
    makeEndpoint(w, 20);
    expect(copy(w, 'Mint', 21, 20, 0xf, 0x42)).toBeNull();
    expect(w.slot(21).cap.badgeLo).toBe(0x42);
    expect(w.slot(21).revocable && w.slot(21).firstBadged).toBe(true);
    expect(err(copy(w, 'Mint', 22, 21, 0xf, 0x33))).toBe('seL4_IllegalOperation');
    expect(err(copy(w, 'Mint', 22, 21, 0xf, 0x42))).toBe('seL4_IllegalOperation');
    expect(copy(w, 'Mint', 22, 20, 0xf, 0)).toBeNull();
    expect(w.slot(22).cap.isBadged).toBe(false);
  });

  it('Mutate and Rotate of endpoint and notification caps are IllegalOperation', () => {
    const w = world();
    makeEndpoint(w, 20);
    expect(retype(w, seL4_NotificationObject, 0, 21)).toBeNull();
    expect(err(copy(w, 'Mutate', 22, 20, 0, 0))).toBe('seL4_IllegalOperation');
    expect(err(copy(w, 'Mutate', 22, 21, 0, 5))).toBe('seL4_IllegalOperation');
    expect(err(rotate(w, 22, 20, 21))).toBe('seL4_IllegalOperation');
    expect(copy(w, 'Move', 22, 20)).toBeNull();
    expect(w.slot(20).cap.type).toBe(CapType.Null);
  });

  it('revoking a badged original removes its copies and no other badge', () => {
    const w = world();
    makeEndpoint(w, 20);
    expect(copy(w, 'Mint', 21, 20, 0xf, 1)).toBeNull();
    expect(copy(w, 'Mint', 22, 20, 0xf, 2)).toBeNull();
    expect(copy(w, 'Copy', 23, 21)).toBeNull();
    expect(copy(w, 'Copy', 24, 22)).toBeNull();
    expect(order(w, 20)).toEqual([22, 24, 21, 23]);
    expect(revoke(w, 21)).toBeNull();
    expect(w.slot(23).cap.type).toBe(CapType.Null);
    expect(w.slot(24).cap.badgeLo).toBe(2);
    healthy(w);
  });

  it('deleting a badged original passes its identity to the next copy (firstBadged)', () => {
    const w = world();
    makeEndpoint(w, 20);
    expect(copy(w, 'Mint', 21, 20, 0xf, 7)).toBeNull();
    expect(copy(w, 'Copy', 22, 21)).toBeNull();
    expect(w.slot(22).firstBadged).toBe(false);
    expect(del(w, 21)).toBeNull();
    expect(w.slot(22).firstBadged).toBe(true);
    expect(w.slot(22).revocable).toBe(false);
    // a new mint of badge 7 is not a parent of the old copy
    expect(copy(w, 'Mint', 23, 20, 0xf, 7)).toBeNull();
    expect(revoke(w, 23)).toBeNull();
    expect(w.slot(22).cap.badgeLo).toBe(7);
  });

  it('minting a CNode cap rewrites its guard from the data; data 0 strips it', () => {
    const w = world();
    expect(copy(w, 'Mint', 21, 2, 0xf, Number(cnodeCapDataWord(64, 5, 52)))).toBeNull();
    expect([w.slot(21).cap.guardLo, w.slot(21).cap.guardSize]).toEqual([5, 52]);
    expect(copy(w, 'Mint', 22, 2, 0xf, 0)).toBeNull();
    expect(w.slot(22).cap.guardSize).toBe(0);
    // guard size + radix above the word size: null cap, IllegalOperation
    expect(err(copy(w, 'Mint', 23, 2, 0xf, Number(cnodeCapDataWord(64, 0, 53))))).toBe('seL4_IllegalOperation');
    // the guard is masked to its size
    expect(copy(w, 'Mutate', 24, 21, 0, Number(cnodeCapDataWord(64, 0xff, 4)))).toBeNull();
    expect([w.slot(24).cap.guardLo, w.slot(24).cap.guardSize]).toEqual([0xf, 4]);
  });
});

describe('Move, Mutate, Rotate (CNODEOP0004, 0005, 0008)', () => {
  it('Move keeps the derivation position and flags; the source becomes empty', () => {
    const w = withTcb();
    expect(copy(w, 'Copy', 31, 30)).toBeNull();
    expect(copy(w, 'Move', 35, 31)).toBeNull();
    expect(order(w, 30)).toEqual([35]);
    expect(w.slot(31).cap.type).toBe(CapType.Null);
    expect(err(copy(w, 'Move', 36, 31))).toBe('seL4_FailedLookup [1,2,64]');
    expect(err(copy(w, 'Move', 35, 30))).toBe('seL4_DeleteFirst');
  });

  it('Rotate moves pivot to dest and src to pivot; src == dest swaps', () => {
    const w = world();
    expect(retype(w, seL4_TCBObject, 0, 20)).toBeNull();
    expect(retype(w, seL4_CapTableObject, 2, 21)).toBeNull();
    const ep = w.slot(20).cap.obj;
    const cn = w.slot(21).cap.obj;
    expect(rotate(w, 22, 20, 21)).toBeNull();
    expect([w.slot(22).cap.obj, w.slot(20).cap.obj, w.slot(21).cap.type]).toEqual([ep, cn, CapType.Null]);
    // swap: src == dest
    expect(rotate(w, 22, 20, 22)).toBeNull();
    expect([w.slot(22).cap.obj, w.slot(20).cap.obj]).toEqual([cn, ep]);
    healthy(w);
  });

  it('Rotate errors: pivot equal to src or dest, occupied dest, empty src or pivot', () => {
    const w = world();
    makeEndpoint(w, 20);
    expect(retype(w, seL4_CapTableObject, 2, 21)).toBeNull();
    expect(err(rotate(w, 22, 20, 20))).toBe('seL4_IllegalOperation');
    expect(err(rotate(w, 20, 20, 21))).toBe('seL4_IllegalOperation');
    expect(err(rotate(w, 21, 20, 2))).toBe('seL4_DeleteFirst');
    expect(err(rotate(w, 22, 20, 23))).toBe('seL4_FailedLookup [1,2,64]');
    expect(err(rotate(w, 22, 23, 21))).toBe('seL4_FailedLookup [0,2,64]');
  });
});

describe('Delete and Revoke (CNODEOP0002, 0007) and finalisation (digest 5.6)', () => {
  it('deleting an empty slot and revoking an empty slot succeed', () => {
    const w = world();
    expect(del(w, 100)).toBeNull();
    expect(revoke(w, 100)).toBeNull();
  });

  it('only the last cap finalises an endpoint', () => {
    const w = world();
    makeEndpoint(w, 20);
    const ep = w.slot(20).cap.obj!;
    expect(copy(w, 'Copy', 21, 20)).toBeNull();
    expect(isFinalCapability(w.slot(20))).toBe(false);
    expect(del(w, 20)).toBeNull();
    expect(w.calls).toEqual([]);
    expect(isFinalCapability(w.slot(21))).toBe(true);
    expect(del(w, 21)).toBeNull();
    expect(w.calls).toEqual([`cancelAllIPC ${ep.addr.toString(16)}`]);
  });

  it('deleting a TCB suspends it and empties its internal slots', () => {
    const w = withTcb();
    const tcb = w.slot(30).cap.obj as Tcb;
    makeEndpoint(w, 20);
    // give the TCB a caller reply cap and a CSpace root copy
    tcb.ctes[TCB_CALLER]!.cap = replyCap(tcb, false, true);
    expect(del(w, 30)).toBeNull();
    expect(w.calls).toEqual([`suspend ${tcb.addr.toString(16)}`]);
    expect(tcb.ctes.every((c) => c.isEmpty)).toBe(true);
  });

  it('deleting a CNode deletes everything in it, including a cap to itself', () => {
    const w = world();
    expect(retype(w, seL4_CapTableObject, 3, 20)).toBeNull();
    const cn = w.slot(20).cap.obj as CNodeObj;
    makeEndpoint(w, 21);
    // move the endpoint into the CNode, and put a copy of the CNode cap inside itself
    expect(cnodeCopyFamily(w.space, 'Move', { root: w.slot(20).cap, indexLo: 1, indexHi: 0, depth: 3 }, { src: ref(w, 21) })).toBeNull();
    expect(cnodeCopyFamily(w.space, 'Copy', { root: w.slot(20).cap, indexLo: 5, indexHi: 0, depth: 3 }, { src: ref(w, 20), rights: 0xf })).toBeNull();
    expect(cn.occupied().map((s) => s.index)).toEqual([1, 5]);
    expect(del(w, 20)).toBeNull();
    // the cap inside itself keeps the CNode alive (seL4 makes it unreachable, not destroyed)
    expect(w.slot(20).cap.type).toBe(CapType.Null);
    healthy(w);
    // revoking the untyped destroys it for good, and its endpoint with it
    expect(revoke(w, 16)).toBeNull();
    expect(cn.occupied()).toEqual([]);
    expect(w.calls.filter((c) => c.startsWith('cancelAllIPC'))).toHaveLength(1);
  });

  it('a CNode holding caps is torn down slot by slot from the top', () => {
    const w = world();
    expect(retype(w, seL4_CapTableObject, 2, 20)).toBeNull();
    const cnCap = w.slot(20).cap;
    // retype four endpoints straight into the small CNode
    expect(untypedRetype(w.space, w.slot(16), { type: seL4_EndpointObject, sizeBits: 0, root: cnCap, nodeIndexLo: 0, nodeIndexHi: 0, nodeDepth: 0, nodeOffset: 0, numObjects: 4 })).toBeNull();
    expect(del(w, 20)).toBeNull();
    expect(w.calls).toHaveLength(4);
    healthy(w);
  });
});

describe('CancelBadgedSends (CNODEOP0006) and SaveCaller (CNODEOP0009)', () => {
  it('needs an endpoint cap with all rights; badge 0 is a no-op', () => {
    const w = world();
    makeEndpoint(w, 20);
    expect(cnodeCancelBadgedSends(w.space, ref(w, 20))).toBeNull();
    expect(w.calls).toEqual([]);
    expect(err(cnodeCancelBadgedSends(w.space, ref(w, 100)))).toBe('seL4_IllegalOperation');
    expect(copy(w, 'Mint', 21, 20, 0xf, 9)).toBeNull();
    expect(cnodeCancelBadgedSends(w.space, ref(w, 21))).toBeNull();
    expect(w.calls).toHaveLength(1);
    expect(copy(w, 'Mint', 22, 20, 0x7, 9)).toBeNull();
    expect(err(cnodeCancelBadgedSends(w.space, ref(w, 22)))).toBe('seL4_IllegalOperation');
  });

  it('SaveCaller moves a reply cap; with none it succeeds; an occupied slot is DeleteFirst', () => {
    const w = withTcb();
    const tcb = w.slot(30).cap.obj as Tcb;
    const caller = tcb.ctes[TCB_CALLER]!;
    expect(cnodeSaveCaller(w.space, ref(w, 40), caller)).toBeNull();
    expect(w.slot(40).isEmpty).toBe(true);
    caller.cap = replyCap(tcb, false, false);
    expect(err(cnodeSaveCaller(w.space, ref(w, 30), caller))).toBe('seL4_DeleteFirst');
    expect(cnodeSaveCaller(w.space, ref(w, 40), caller)).toBeNull();
    expect(w.slot(40).cap.type).toBe(CapType.Reply);
    expect(caller.isEmpty).toBe(true);
    // a reply cap cannot be copied
    expect(err(copy(w, 'Copy', 41, 40))).toBe('seL4_IllegalOperation');
  });
});

describe('bad input changes nothing', () => {
  it('every failing CNode call leaves the snapshot unchanged', () => {
    const w = world();
    makeEndpoint(w, 20);
    expect(copy(w, 'Mint', 21, 20, 0xf, 3)).toBeNull();
    const before = JSON.stringify(w.snap());
    const failing = [
      () => copy(w, 'Copy', 21, 20),
      () => copy(w, 'Copy', 30, 99),
      () => copy(w, 'Mint', 30, 21, 0xf, 4),
      () => copy(w, 'Mutate', 30, 20, 0, 1),
      () => rotate(w, 30, 20, 20),
      () => rotate(w, 21, 20, 2),
      () => cnodeCancelBadgedSends(w.space, ref(w, 99)),
      () => cnodeCopyFamily(w.space, 'Copy', ref(w, 30, 65), { src: ref(w, 20), rights: 0xf }),
      () => cnodeCopyFamily(w.space, 'Copy', ref(w, 0x10000), { src: ref(w, 20), rights: 0xf }),
    ];
    for (const f of failing) {
      expect(f()).toBeInstanceOf(SyscallError);
      expect(JSON.stringify(w.snap())).toBe(before);
    }
  });
});
