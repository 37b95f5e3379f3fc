// VM faults, re-expressed from sel4test's PAGEFAULT0001-0003 (one address space) and
// PAGEFAULT1001-1003 (faulter and handler in their own VSpaces and CSpaces): a read, a write and
// an instruction fetch at an unmapped address reach the fault handler as seL4's VMFault message
// (digest 8.3), badged or not; the handler maps a frame (or moves the PC) and replies, and the
// access is made again; without a reply the faulter stays stopped. sel4test's handler fixes a
// register and skips the instruction; a TypeScript access is re-executed instead, so here the
// handler supplies the memory.
import * as L from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { BOARDS, type Root, runRoot } from './vspace-world.js';

const CN = L.seL4_CapInitThreadCNode;
const VS = L.seL4_CapInitThreadVSpace;
const GOOD = 0x15831851;
const BADGE = 0xabababa;
const BAD_VADDR: Record<string, number> = { x86_64: 0x7edc_ba98_7650, aarch64: 0x7edc_ba98_7650, riscv64: 0x3c_ba98_7650 };
/** Where the root and an own-VSpace handler see the frame they hand out. */
const VIEW = 0x3000_0000;

type Kind = 'read' | 'write' | 'exec';

/** The fault status word each arch reports (translate.ts), with the walk stopping at the last level. */
function expectedFsr(arch: string, kind: Kind): number {
  switch (arch) {
    case 'x86_64':
      return kind === 'write' ? 0x6 : 0x4;
    case 'aarch64':
      return kind === 'exec' ? 0x82000007 : kind === 'write' ? 0x92000047 : 0x92000007;
    default:
      return kind === 'exec' ? 1 : kind === 'write' ? 7 : 5;
  }
}

function* copyTo(cnode: number, index: number, src: number, rights = L.seL4_AllRights): Generator<L.TrapToken, void, unknown> {
  const e = yield* L.seL4_CNode_Copy(cnode, index, 4, CN, src, 64, rights);
  if (e !== 0) throw new Error(`copy: ${L.seL4_ErrorName(e)}`);
}

/** One fault scenario; returns what the handler and the faulter saw, in order. */
function scenario(board: (typeof BOARDS)[number][0], kind: Kind, badged: boolean, restart: boolean, interAS: boolean): string[] {
  const log: string[] = [];
  runRoot(board, function* (r: Root) {
    const arch = r.arch;
    const bad = BAD_VADDR[arch]!;
    const badPage = bad - (bad % 4096);
    const ep = yield* r.make(L.seL4_EndpointObject);
    let faultEp = ep;
    if (badged) {
      faultEp = r.slot();
      expect(yield* L.seL4_CNode_Mint(CN, faultEp, 64, CN, ep, 64, L.seL4_AllRights, BADGE)).toBe(0);
    }
    // the frame the handler hands out, and the root's own view of it
    const frame = yield* r.frame();
    const rootView = r.slot();
    expect(yield* L.seL4_CNode_Copy(CN, rootView, 64, CN, frame, 64, L.seL4_AllRights)).toBe(0);
    yield* r.map(rootView, VIEW);

    // the faulter's address space: paging structures for the bad page, but no page there
    const fv = interAS ? yield* r.newVSpace() : VS;
    const dummy = yield* r.frame();
    yield* r.map(dummy, badPage, L.seL4_AllRights, fv);
    expect(yield* r.pageUnmap(dummy)).toBe(0);

    function* goodCode(): Generator<L.TrapToken, void, unknown> {
      log.push('faulter: moved past the fault');
    }
    function* faulter(): Generator<L.TrapToken, void, unknown> {
      if (kind === 'read') {
        log.push(`faulter: read 0x${(yield* L.tsel4_read32(bad)).toString(16)}`);
      } else {
        yield* L.tsel4_write32(bad, GOOD);
        log.push(`faulter: wrote, read back 0x${(yield* L.tsel4_read32(bad)).toString(16)}`);
      }
    }
    // handler(ep, faulter TCB, frame, faulter VSpace, where it sees the frame)
    function* handler(hEp: number, hTcb: number, hFrame: number, hVspace: number, hView: number): Generator<L.TrapToken, void, unknown> {
      const badge = { value: 0 as number | bigint };
      const info = yield* L.seL4_Recv(hEp, badge);
      const [ip, addr, prefetch, fsr] = [0, 1, 2, 3].map((i) => L.seL4_GetMR(i));
      log.push(
        `handler: label=${L.seL4_MessageInfo_get_label(info)} len=${L.seL4_MessageInfo_get_length(info)} ` +
          `badge=0x${badge.value.toString(16)} ip=0x${ip!.toString(16)} addr=0x${addr!.toString(16)} ` +
          `prefetch=${prefetch} fsr=0x${fsr!.toString(16)} read=${L.isReadFault(arch, fsr!)}`,
      );
      if (kind === 'exec') {
        const regs: L.seL4_UserContext = {};
        expect(yield* L.seL4_TCB_ReadRegisters(hTcb, false, 0, 1, regs)).toBe(0);
        regs[L.currentThread().arch.userContextNames[0]!] = L.tsel4_functionAddress(goodCode as L.ThreadFunction);
        expect(yield* L.seL4_TCB_WriteRegisters(hTcb, false, 0, 1, regs)).toBe(0);
      } else {
        if (kind === 'read') yield* L.tsel4_write32(hView + (bad % 4096), GOOD);
        const o = L.vspaceObjects(arch)!;
        const e = yield* L.invokeMethod(o.pageIface, 'Map', hFrame, [hVspace, badPage, L.seL4_AllRights, L.vspaceGeometry(arch)!.defaultVMAttributes]);
        expect(e).toBe(0);
      }
      if (!restart) {
        log.push('handler: not replying');
        return;
      }
      yield* L.seL4_Reply(info);
    }

    let faulterTcb: number;
    if (!interAS) {
      faulterTcb = yield* r.spawn(faulter, [], { prio: 200, faultEp, stopped: true, ...(kind === 'exec' ? { pc: bad } : {}) });
      yield* r.spawn(handler, [ep, faulterTcb, frame, VS, VIEW], { prio: 201 });
    } else {
      // faulter: its own CSpace (fault endpoint at 1, itself at 2) and VSpace
      const fcn = yield* r.make(L.seL4_CapTableObject, 4);
      const guard = L.seL4_CNode_CapData_new(0, 60).words[0];
      yield* copyTo(fcn, 1, faultEp);
      faulterTcb = yield* r.spawn(faulter, [], {
        prio: 200,
        faultEp: 1,
        cspace: fcn,
        cspaceData: guard,
        vspace: fv,
        self: 2,
        stopped: true,
        ...(kind === 'exec' ? { pc: bad } : {}),
      });
      yield* copyTo(fcn, 2, faulterTcb);
      // handler: its own CSpace (endpoint, faulter TCB, the frame, the faulter's VSpace, itself) and
      // VSpace, where it sees the frame through a copy mapped at VIEW
      const hcn = yield* r.make(L.seL4_CapTableObject, 4);
      const hv = yield* r.newVSpace();
      const handlerView = r.slot();
      expect(yield* L.seL4_CNode_Copy(CN, handlerView, 64, CN, frame, 64, L.seL4_AllRights)).toBe(0);
      yield* r.map(handlerView, VIEW, L.seL4_AllRights, hv);
      yield* copyTo(hcn, 1, ep);
      yield* copyTo(hcn, 2, faulterTcb);
      yield* copyTo(hcn, 3, frame);
      yield* copyTo(hcn, 4, fv);
      const htcb = yield* r.spawn(handler, [1, 2, 3, 4, VIEW], { prio: 201, cspace: hcn, cspaceData: guard, vspace: hv, self: 5, stopped: true });
      yield* copyTo(hcn, 5, htcb);
      expect(yield* L.seL4_TCB_Resume(htcb)).toBe(0);
    }
    expect(yield* L.seL4_TCB_Resume(faulterTcb)).toBe(0);
    // everything else runs until it blocks
    expect(yield* L.seL4_TCB_SetPriority(L.seL4_CapInitThreadTCB, L.seL4_CapInitThreadTCB, 0)).toBe(0);
    expect(yield* L.seL4_TCB_SetPriority(L.seL4_CapInitThreadTCB, L.seL4_CapInitThreadTCB, 255)).toBe(0);
    if (kind === 'write' && restart) log.push(`root: the frame holds 0x${(yield* L.tsel4_read32(VIEW + (bad % 4096))).toString(16)}`);
  });
  return log;
}

describe.each(BOARDS)('VM faults on %s (%s)', (board, arch) => {
  const bad = BAD_VADDR[arch]!;
  const hex = (v: number) => `0x${v.toString(16)}`;
  describe.each([
    ['PAGEFAULT000', false],
    ['PAGEFAULT100', true],
  ] as const)('%sx', (_name, interAS) => {
    it.each([
      ['read', 1],
      ['write', 2],
      ['exec', 3],
    ] as const)('%s fault (test %i), unbadged and badged, restarted and not', (kind, _test) => {
      for (const badged of [false, true]) {
        for (const restart of [false, true]) {
          const log = scenario(board, kind, badged, restart, interAS);
          const ip = kind === 'exec' ? bad : L.MEMORY_INSN_ADDR;
          const prefetch = kind === 'exec' && arch !== 'x86_64' ? 1 : 0;
          const expected = [
            `handler: label=${L.seL4_Fault_VMFault} len=${L.seL4_VMFault_Length} badge=${hex(badged ? BADGE : 0)} ` +
              `ip=${hex(ip)} addr=${hex(bad)} prefetch=${prefetch} fsr=${hex(expectedFsr(arch, kind))} read=${kind !== 'write'}`,
          ];
          if (!restart) expected.push('handler: not replying');
          else if (kind === 'read') expected.push(`faulter: read ${hex(GOOD)}`);
          else if (kind === 'write') expected.push(`faulter: wrote, read back ${hex(GOOD)}`, `root: the frame holds ${hex(GOOD)}`);
          else expected.push('faulter: moved past the fault');
          expect(log, `badged=${badged} restart=${restart}`).toEqual(expected);
        }
      }
    });
  });
});
