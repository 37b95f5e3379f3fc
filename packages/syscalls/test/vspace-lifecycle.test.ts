// What deleting and revoking does to mappings (seL4: Arch_finaliseCap), mapping rights as the
// MMU enforces them, device frames, shared memory between two VSpaces, and the TCB checks of
// frames and VSpace roots (sel4test FRAMEDIPC0001/0002). A probe thread reads an address and
// reports the value, or the fault its handler (the root task) receives.
import * as L from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { BOARDS, type Root, runRoot } from './vspace-world.js';

const CN = L.seL4_CapInitThreadCNode;
const VS = L.seL4_CapInitThreadVSpace;
const V = 0x1000_0000;
type Gen<T> = Generator<L.TrapToken, T, unknown>;

/** Run everything else until it blocks (the root task drops to priority 0 and back). */
function* runOthers(): Gen<void> {
  yield* L.seL4_TCB_SetPriority(L.seL4_CapInitThreadTCB, L.seL4_CapInitThreadTCB, 0);
  yield* L.seL4_TCB_SetPriority(L.seL4_CapInitThreadTCB, L.seL4_CapInitThreadTCB, 255);
}

/** An access by a thread in `vspace`: the value it read (or 'ok' for a write), or "fault FSR". */
function* probe(r: Root, vaddr: number, opts: { vspace?: number; write?: boolean } = {}): Gen<string> {
  const ep = yield* r.make(L.seL4_EndpointObject);
  let out = 'nothing';
  function* body(): Gen<void> {
    if (opts.write === true) {
      yield* L.tsel4_write64(vaddr, 0x5a5a);
      out = 'ok';
    } else {
      out = `0x${(yield* L.tsel4_read64(vaddr)).toString(16)}`;
    }
  }
  const tcb = yield* r.spawn(body, [], { faultEp: ep, vspace: opts.vspace ?? VS });
  yield* runOthers();
  const badge = { value: 0 as number | bigint };
  const info = yield* L.seL4_NBRecv(ep, badge);
  if (L.seL4_MessageInfo_get_label(info) === L.seL4_Fault_VMFault && L.seL4_MessageInfo_get_length(info) === 4) {
    out = `fault 0x${L.seL4_GetMR(3).toString(16)}`;
  } else if (L.seL4_MessageInfo_get_label(info) === L.seL4_Fault_UserException) {
    out = `user exception ${L.seL4_GetMR(L.faultLayout(L.currentThread().arch).userException.number)}`;
  }
  // the probe is done either way
  expect(yield* L.seL4_CNode_Delete(CN, tcb, 64)).toBe(0);
  return out;
}

const NOT_MAPPED: Record<string, string> = { x86_64: 'fault 0x4', aarch64: 'fault 0x92000007', riscv64: 'fault 0x5' };
const READ_ONLY_WRITE: Record<string, string> = { x86_64: 'fault 0x7', aarch64: 'fault 0x9200004f', riscv64: 'fault 0x7' };
const KERNEL_ONLY_READ: Record<string, string> = { x86_64: 'fault 0x5', aarch64: 'fault 0x9200000f', riscv64: 'fault 0x5' };

describe.each(BOARDS)('mappings on %s (%s)', (board, arch) => {
  it('deleting a frame cap takes its mapping away; other caps of the frame keep theirs', () => {
    runRoot(board, function* (r) {
      const f = yield* r.frame();
      const copy = r.slot();
      expect(yield* L.seL4_CNode_Copy(CN, copy, 64, CN, f, 64, L.seL4_AllRights)).toBe(0);
      yield* r.map(copy, V);
      expect(yield* r.pageMap(f, V + 0x1000)).toBe(0);
      yield* L.tsel4_write64(V, 42);
      expect(yield* probe(r, V)).toBe('0x2a');
      expect(yield* probe(r, V + 0x1000)).toBe('0x2a');
      expect(yield* L.seL4_CNode_Delete(CN, copy, 64)).toBe(0);
      expect(yield* probe(r, V)).toBe(NOT_MAPPED[arch]);
      expect(yield* probe(r, V + 0x1000)).toBe('0x2a');
    });
  });

  it('revoking the untyped a frame came from unmaps every cap of it', () => {
    runRoot(board, function* (r) {
      const ut = yield* r.make(L.seL4_UntypedObject, 16);
      const f = yield* r.make(r.o.frameType(12), 0, ut);
      const copy = r.slot();
      expect(yield* L.seL4_CNode_Copy(CN, copy, 64, CN, f, 64, L.seL4_AllRights)).toBe(0);
      yield* r.map(f, V);
      expect(yield* r.pageMap(copy, V + 0x1000)).toBe(0);
      expect(yield* L.seL4_CNode_Revoke(CN, ut, 64)).toBe(0);
      expect(yield* probe(r, V)).toBe(NOT_MAPPED[arch]);
      expect(yield* probe(r, V + 0x1000)).toBe(NOT_MAPPED[arch]);
      // the memory is reused, and zeroed, by the next frame
      const g = yield* r.make(r.o.frameType(12), 0, ut);
      yield* r.map(g, V);
      expect(yield* probe(r, V)).toBe('0x0');
    });
  });

  it('deleting the last cap of a page table unmaps it and what it maps', () => {
    runRoot(board, function* (r) {
      const f = yield* r.frame();
      const made = yield* r.map(f, V);
      expect(yield* probe(r, V)).toBe('0x0');
      // the lowest structure made for V
      const pt = made[made.length - 1]!;
      expect(yield* L.seL4_CNode_Delete(CN, pt, 64)).toBe(0);
      const gone = yield* probe(r, V);
      expect(gone).toMatch(/^fault/);
      // the frame's cap still says mapped; Unmap finds nothing to remove and succeeds
      expect(yield* r.pageUnmap(f)).toBe(0);
      yield* r.map(f, V);
      expect(yield* probe(r, V)).toBe('0x0');
    });
  });

  it('a VSpace whose last cap is deleted loses its ASID; frames mapped in it can be unmapped and reused', () => {
    runRoot(board, function* (r) {
      const v2 = yield* r.newVSpace();
      const f = yield* r.frame();
      yield* r.map(f, V, L.seL4_AllRights, v2);
      expect(yield* probe(r, V, { vspace: v2 })).toBe('0x0');
      expect(yield* L.seL4_CNode_Delete(CN, v2, 64)).toBe(0);
      expect(yield* r.pageUnmap(f)).toBe(0);
      yield* r.map(f, V);
      yield* L.tsel4_write64(V, 7);
      expect(yield* probe(r, V)).toBe('0x7');
    });
  });

  it('rights: a read-only mapping faults on writes, a mapping without rights on reads', () => {
    runRoot(board, function* (r) {
      const f = yield* r.frame();
      yield* r.map(f, V, L.seL4_CanRead);
      expect(yield* probe(r, V)).toBe('0x0');
      expect(yield* probe(r, V, { write: true })).toBe(READ_ONLY_WRITE[arch]);
      // a read-only cap cannot make a writable mapping either
      const ro = r.slot();
      expect(yield* L.seL4_CNode_Copy(CN, ro, 64, CN, f, 64, L.seL4_CanRead)).toBe(0);
      expect(yield* r.pageMap(ro, V + 0x1000, L.seL4_AllRights)).toBe(0);
      expect(yield* probe(r, V + 0x1000, { write: true })).toBe(READ_ONLY_WRITE[arch]);
      // remapping the same cap at the same address changes the rights
      expect(yield* r.pageMap(f, V, L.seL4_AllRights)).toBe(0);
      expect(yield* probe(r, V, { write: true })).toBe('ok');
      const k = yield* r.frame();
      expect(yield* r.pageMap(k, V + 0x2000, L.seL4_NoRights)).toBe(0);
      expect(yield* probe(r, V + 0x2000)).toBe(KERNEL_ONLY_READ[arch]);
    });
  });

  it('addresses beyond user space: a general-protection fault on x86_64 (non-canonical), else a VM fault', () => {
    runRoot(board, function* (r) {
      const beyond = { x86_64: 'user exception 13', aarch64: 'fault 0x92000004', riscv64: 'fault 0x5' }[arch];
      expect(yield* probe(r, 0x8000_0000_0000)).toBe(beyond);
      expect(yield* probe(r, 2 ** 52)).toBe(beyond);
    });
  });

  it('device frames map to device memory and report its physical address', () => {
    runRoot(board, function* (r) {
      const i = r.bi.untypedList.findIndex((u) => u.isDevice === 1 && u.sizeBits >= 12);
      const d = r.bi.untypedList[i]!;
      const f = yield* r.make(r.o.frameType(12), 0, r.bi.untyped.start + i);
      const a = yield* r.pageGetAddress(f);
      expect(a.paddr).toBe(d.paddr);
      yield* r.map(f, V);
      yield* L.tsel4_write32(V + 4, 0x1234);
      expect(yield* probe(r, V)).toBe('0x123400000000');
    });
  });

  it('two VSpaces share a frame: each sees what the other writes (shared memory and a notification)', () => {
    runRoot(board, function* (r) {
      const a = yield* r.newVSpace();
      const b = yield* r.newVSpace();
      const f = yield* r.frame();
      const fa = r.slot();
      const fb = r.slot();
      expect(yield* L.seL4_CNode_Copy(CN, fa, 64, CN, f, 64, L.seL4_AllRights)).toBe(0);
      expect(yield* L.seL4_CNode_Copy(CN, fb, 64, CN, f, 64, L.seL4_CanRead)).toBe(0);
      yield* r.map(fa, 0x5000_0000, L.seL4_AllRights, a);
      yield* r.map(fb, 0x7000_0000, L.seL4_AllRights, b);
      const ntfn = yield* r.make(L.seL4_NotificationObject);
      const seen: string[] = [];
      function* producer(): Gen<void> {
        yield* L.tsel4_writeBytes(0x5000_0000 + 100, new TextEncoder().encode('hello, other VSpace'));
        yield* L.seL4_Signal(ntfn);
      }
      function* consumer(): Gen<void> {
        yield* L.seL4_Wait(ntfn);
        seen.push(new TextDecoder().decode(yield* L.tsel4_readBytes(0x7000_0000 + 100, 19)));
      }
      yield* r.spawn(consumer, [], { vspace: b, prio: 201 });
      yield* r.spawn(producer, [], { vspace: a, prio: 200 });
      yield* runOthers();
      expect(seen).toEqual(['hello, other VSpace']);
    });
  });
});

describe.each(BOARDS)('TCB frames and VSpace roots on %s (%s)', (board) => {
  it('FRAMEDIPC0001/0002: a device frame cannot be an IPC buffer (Configure, SetIPCBuffer)', () => {
    runRoot(board, function* (r) {
      const i = r.bi.untypedList.findIndex((u) => u.isDevice === 1 && u.sizeBits >= 12);
      const dev = yield* r.make(r.o.frameType(12), 0, r.bi.untyped.start + i);
      const tcb = yield* r.make(L.seL4_TCBObject);
      expect(yield* L.seL4_TCB_Configure(tcb, 0, CN, 0, VS, 0, V, dev)).toBe(L.seL4_IllegalOperation);
      expect(yield* L.seL4_TCB_SetIPCBuffer(tcb, V, dev)).toBe(L.seL4_IllegalOperation);
      const f = yield* r.frame();
      expect(yield* L.seL4_TCB_SetIPCBuffer(tcb, V + 0x200, f)).toBe(L.seL4_AlignmentError);
      expect(yield* L.seL4_TCB_SetIPCBuffer(tcb, V, L.seL4_CapInitThreadTCB)).toBe(L.seL4_IllegalOperation);
      expect(yield* L.seL4_TCB_SetIPCBuffer(tcb, V + 0x400, f)).toBe(0);
      // address 0 means no buffer: the cap is not looked at
      expect(yield* L.seL4_TCB_SetIPCBuffer(tcb, 0, L.seL4_CapInitThreadTCB)).toBe(0);
    });
  });

  it('SetSpace needs a VSpace root with an ASID', () => {
    runRoot(board, function* (r) {
      const tcb = yield* r.make(L.seL4_TCBObject);
      const fresh = yield* r.make(r.o.vspaceType);
      // an unassigned root cannot even be derived
      expect(yield* L.seL4_TCB_SetSpace(tcb, 0, CN, 0, fresh, 0)).toBe(L.seL4_IllegalOperation);
      // a paging structure below the root is not a VSpace root (on RISC-V a mapped page table is)
      const below = r.bi.userImagePaging.start;
      const e = yield* L.seL4_TCB_SetSpace(tcb, 0, CN, 0, below, 0);
      expect(e).toBe(r.arch === 'riscv64' ? 0 : L.seL4_IllegalOperation);
      expect(yield* L.seL4_TCB_SetSpace(tcb, 0, CN, 0, yield* r.newVSpace(), 0)).toBe(0);
    });
  });
});

describe.each(BOARDS)("a thread's cached translation goes with the mapping, on %s (%s)", (board) => {
  it('unmap, delete, fewer rights, page-table unmap and delete, and a new VSpace each make the next access fault', () => {
    runRoot(board, function* (r) {
      const ep = yield* r.make(L.seL4_EndpointObject);
      const go = yield* r.make(L.seL4_NotificationObject);
      const seen: string[] = [];
      let write = false;
      // the same thread (and so the same translation cache) all along
      function* worker(): Gen<void> {
        for (;;) {
          yield* L.seL4_Wait(go);
          if (write) {
            yield* L.tsel4_write64(V + 8, 1);
            seen.push('wrote');
          } else {
            seen.push(`read 0x${(yield* L.tsel4_read64(V + 8)).toString(16)}`);
          }
        }
      }
      const tcb = yield* r.spawn(worker, [], { faultEp: ep });
      /** Let the worker make its access; its fault (if any), answered after `fix`. */
      function* step(fix: () => Gen<void>): Gen<string> {
        yield* L.seL4_Signal(go);
        yield* runOthers();
        const info = yield* L.seL4_NBRecv(ep, null);
        if (L.seL4_MessageInfo_get_label(info) !== L.seL4_Fault_VMFault) return seen[seen.length - 1]!;
        yield* fix();
        yield* L.seL4_Reply(L.seL4_MessageInfo_new(0, 0, 0, 0));
        yield* runOthers();
        return `fault, then ${seen[seen.length - 1]!}`;
      }
      const f = yield* r.frame();
      const made = yield* r.map(f, V);
      yield* L.tsel4_write64(V + 8, 0x99);
      const remap = function* () {
        expect(yield* r.pageMap(f, V)).toBe(0);
      };
      expect(yield* step(remap)).toBe('read 0x99');
      // Page_Unmap
      expect(yield* r.pageUnmap(f)).toBe(0);
      expect(yield* step(remap)).toBe('fault, then read 0x99');
      // deleting the cap that maps it (a copy maps it back)
      const copy = r.slot();
      expect(yield* L.seL4_CNode_Copy(CN, copy, 64, CN, f, 64, L.seL4_AllRights)).toBe(0);
      expect(yield* r.pageUnmap(f)).toBe(0);
      expect(yield* r.pageMap(copy, V)).toBe(0);
      expect(yield* step(remap)).toBe('read 0x99');
      expect(yield* L.seL4_CNode_Delete(CN, copy, 64)).toBe(0);
      expect(yield* step(remap)).toBe('fault, then read 0x99');
      // a remap with fewer rights: a write that hit the cache before faults now
      write = true;
      expect(yield* step(remap)).toBe('wrote');
      expect(yield* r.pageMap(f, V, L.seL4_CanRead)).toBe(0);
      expect(yield* step(remap)).toBe('fault, then wrote');
      write = false;
      // the page table: unmapped through its cap, then deleted
      const pt = made[made.length - 1]!;
      const level = r.g.levels.length - 1;
      expect(yield* step(remap)).toBe('read 0x1');
      expect(yield* r.tableUnmap(level, pt)).toBe(0);
      const remapAll = function* () {
        expect(yield* r.tableMap(level, pt, V)).toBe(0);
        expect(yield* r.pageUnmap(f)).toBe(0);
        expect(yield* r.pageMap(f, V)).toBe(0);
      };
      expect(yield* step(remapAll)).toBe('fault, then read 0x1');
      expect(yield* L.seL4_CNode_Delete(CN, pt, 64)).toBe(0);
      const rebuild = function* () {
        expect(yield* r.pageUnmap(f)).toBe(0);
        yield* r.map(f, V);
      };
      expect(yield* step(rebuild)).toBe('fault, then read 0x1');
      // a new VSpace for the thread
      const other = yield* r.newVSpace();
      expect(yield* L.seL4_TCB_SetSpace(tcb, ep, CN, 0, other, 0)).toBe(0);
      const g = yield* r.frame();
      expect(yield* step(function* () {
        yield* r.map(g, V, L.seL4_AllRights, other);
      })).toBe('fault, then read 0x0');
    });
  });
});

describe.each(BOARDS.filter(([, arch]) => arch !== 'x86_64'))('execute-never on %s (%s)', (board, arch) => {
  it('FRAMEXN, as far as it goes here: a PC in a page mapped execute-never is an instruction permission fault', () => {
    runRoot(board, function* (r) {
      const f = yield* r.frame();
      const xn = arch === 'aarch64' ? L.seL4_ARM_Default_VMAttributes | L.seL4_ARM_ExecuteNever : L.seL4_RISCV_ExecuteNever;
      yield* r.map(f, V);
      expect(yield* r.pageMap(f, V, L.seL4_AllRights, VS, xn)).toBe(0);
      const ep = yield* r.make(L.seL4_EndpointObject);
      function* never(): Gen<void> {}
      yield* r.spawn(never, [], { faultEp: ep, pc: V + 0x40 });
      yield* runOthers();
      const info = yield* L.seL4_NBRecv(ep, null);
      expect(L.seL4_MessageInfo_get_label(info)).toBe(L.seL4_Fault_VMFault);
      // IP and address are the PC; PrefetchFault 1; a permission fault at the last level
      expect(r.mrs(4)).toEqual([V + 0x40, V + 0x40, 1, arch === 'aarch64' ? 0x8200000f : 1]);
    });
  });
});
