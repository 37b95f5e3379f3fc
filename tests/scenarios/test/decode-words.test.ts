/*
 * Words are exact: every comparison or sum a decoder makes on a user word is made on the whole
 * unsigned word, with C's wrap-around where seL4's C wraps (packages/syscalls/README.md, "Words
 * are exact"). Each check is probed at 2^53 - 1, 2^53, 2^53 + 1, 2^63 and 2^64 - 1 (a double
 * would merge the 2^53 neighbours and round the top ones up to 2^64), on every board it applies
 * to, with the answer seL4's C gives:
 * - riscv64 Page_Map at 0xffffffffffffffff or 0xfffffffffffff001 (4K, 2M and 1G frames): vtop =
 *   vaddr + BIT(size) - 1 wraps to a small value, passes the user-top check, and the alignment
 *   check answers AlignmentError;
 * - aarch64 cache operations with start/end above 2^53 compare as words: end > start, so a VSpace
 *   root answers IllegalOperation (end above the user top) and a frame InvalidArgument 0 (start
 *   outside the page);
 * - the domain, TCB, untyped, CNode, IRQ and paging arguments answer as for any other huge word.
 */
import * as L from '@tsel4/libsel4';
import type { BoardName } from '@tsel4/hal';
import { describe, expect, it } from 'vitest';
import { type Case, inv, type Kit, runTable } from './decode-kit.js';

const CN = L.seL4_CapInitThreadCNode;
const VS = L.seL4_CapInitThreadVSpace;
const EDGES: readonly [string, bigint][] = [
  ['2^53-1', (1n << 53n) - 1n],
  ['2^53', 1n << 53n],
  ['2^53+1', (1n << 53n) + 1n],
  ['2^63', 1n << 63n],
  ['2^64-1', (1n << 64n) - 1n],
];
const MAX_UNTYPED_BITS: Record<BoardName, number> = { pc99: 47, 'qemu-arm-virt': 47, 'qemu-riscv-virt': 38 };

/** One case per edge value: `make(word)` invokes, every edge expects `expect`. */
function atEdges(name: string, make: (k: Kit, w: bigint) => ReturnType<typeof inv>, expect: string): Case[] {
  return EDGES.map(([n, w]) => ({ name: `${name} = ${n}`, run: (k) => make(k, w), expect }));
}

function generic(board: BoardName): Case[] {
  const irqAnswer = board === 'pc99' ? 'IllegalOperation' : board === 'qemu-arm-virt' ? 'RangeError 0 159' : 'RangeError 1 96';
  return [
    ...atEdges('CNode_Delete depth', (k, w) => inv(CN, 'CNodeDelete', [k.empty, w]), 'RangeError 1 64'),
    ...atEdges('CNode_Copy source depth', (k, w) => inv(CN, 'CNodeCopy', [k.empty, 64, k.ep, w, 0xf], [CN]), 'RangeError 1 64'),
    ...atEdges('Untyped_Retype type', (k, w) => inv(k.ut, 'UntypedRetype', [w, 0, 0, 0, k.empty, 1], [CN]), 'InvalidArgument 0'),
    ...atEdges(
      'Untyped_Retype size_bits',
      (k, w) => inv(k.ut, 'UntypedRetype', [L.seL4_UntypedObject, w, 0, 0, k.empty, 1], [CN]),
      `RangeError 0 ${MAX_UNTYPED_BITS[board]}`,
    ),
    ...atEdges('Untyped_Retype node_offset', (k, w) => inv(k.ut, 'UntypedRetype', [L.seL4_EndpointObject, 0, 0, 0, w, 1], [CN]), 'RangeError 0 4095'),
    ...atEdges('Untyped_Retype num_objects', (k, w) => inv(k.ut, 'UntypedRetype', [L.seL4_EndpointObject, 0, 0, 0, k.empty, w], [CN]), 'RangeError 1 256'),
    ...atEdges('TCB_SetPriority priority', (k, w) => inv(k.tcb, 'TCBSetPriority', [w], [L.seL4_CapInitThreadTCB]), 'RangeError 0 255'),
    ...atEdges('TCB_SetSchedParams mcp', (k, w) => inv(k.tcb, 'TCBSetSchedParams', [w, 0], [L.seL4_CapInitThreadTCB]), 'RangeError 0 255'),
    ...atEdges(
      'TCB_ReadRegisters count',
      (k, w) => inv(k.tcb, 'TCBReadRegisters', [0, w]),
      `RangeError 1 ${board === 'pc99' ? 20 : board === 'qemu-arm-virt' ? 36 : 32}`,
    ),
    ...atEdges('TCB_WriteRegisters count', (k, w) => inv(k.tcb, 'TCBWriteRegisters', [0, w]), 'TruncatedMessage'),
    ...atEdges('DomainSet_Set domain', (k, w) => inv(L.seL4_CapDomain, 'DomainSetSet', [w], [k.tcb]), 'InvalidArgument 0'),
    ...atEdges('DomainSet_ScheduleConfigure index', (_k, w) => inv(L.seL4_CapDomain, 'DomainScheduleConfigure', [w, 0, 1]), 'RangeError 0 0'),
    ...atEdges('DomainSet_ScheduleConfigure domain', (_k, w) => inv(L.seL4_CapDomain, 'DomainScheduleConfigure', [0, w, 1]), 'RangeError 0 0'),
    // durations up to 2^56 - 1 are accepted; above, InvalidArgument 2
    ...EDGES.map(([n, w]) => ({
      name: `DomainSet_ScheduleConfigure duration = ${n}`,
      run: () => inv(L.seL4_CapDomain, 'DomainScheduleConfigure', [0, 0, w]),
      expect: w < 1n << 56n ? 'NoError' : 'InvalidArgument 2',
    })),
    ...atEdges('DomainSet_ScheduleSetStart index', (_k, w) => inv(L.seL4_CapDomain, 'DomainScheduleSetStart', [w]), 'RangeError 0 1'),
    ...atEdges('IRQControl_Get irq', (k, w) => inv(L.seL4_CapIRQControl, 'IRQIssueIRQHandler', [w, k.empty, 64], [CN]), irqAnswer),
  ];
}

function x86(): Case[] {
  return [
    ...atEdges('X86_Page_Map vaddr', (k, w) => inv(k.frame, 'X86PageMap', [w, L.seL4_AllRights, 0], [VS]), 'InvalidArgument 0'),
    ...atEdges(
      'X86_IRQControl_GetIOAPIC vector',
      (k, w) => inv(L.seL4_CapIRQControl, 'X86IRQIssueIRQHandlerIOAPIC', [k.empty, 64, 0, 0, 0, 0, w], [CN]),
      'RangeError 0 107',
    ),
  ];
}

function arm(): Case[] {
  const cacheOps = ['Clean_Data', 'Invalidate_Data', 'CleanInvalidate_Data', 'Unify_Instruction'];
  const pairs: [string, bigint, bigint][] = [
    ['0xff..fe, 0xff..ff', (1n << 64n) - 2n, (1n << 64n) - 1n],
    ['2^60, 2^60 + 1', 1n << 60n, (1n << 60n) + 1n],
    ['2^53, 2^53 + 1', 1n << 53n, (1n << 53n) + 1n],
  ];
  // a frame of the root task's image: mapped, as the frame cache operations need
  const imageFrame = (k: Kit) => k.c.alloc.bootInfo.userImageFrames.start;
  return [
    // ARM checks the alignment first: unaligned edges are AlignmentError, aligned ones lie above the user top
    ...atEdges('ARM_Page_Map vaddr', (k, w) => inv(k.frame, 'ARMPageMap', [w, L.seL4_AllRights, 0], [VS]), ''),
    ...cacheOps.flatMap((op) =>
      pairs.map(([n, s, e]) => ({
        name: `ARM_VSpace_${op} ${n}`,
        run: () => inv(VS, `ARMVSpace${op}`, [s, e]),
        expect: 'IllegalOperation',
      })),
    ),
    ...cacheOps.flatMap((op) =>
      pairs.map(([n, s, e]) => ({
        name: `ARM_Page_${op} ${n}`,
        run: (k: Kit) => inv(imageFrame(k), `ARMPage${op}`, [s, e]),
        expect: 'InvalidArgument 0',
      })),
    ),
  ];
}

function riscv(): Case[] {
  const top = [(1n << 64n) - 1n, 0xffff_ffff_ffff_f001n];
  const hex = (w: bigint) => `0x${w.toString(16)}`;
  return [
    ...top.map((v) => ({ name: `RISCV_Page_Map 4K at ${hex(v)}`, run: (k: Kit) => inv(k.frame, 'RISCVPageMap', [v, L.seL4_AllRights, 0], [VS]), expect: 'AlignmentError' })),
    ...top.map((v) => ({
      name: `RISCV_Page_Map 2M at ${hex(v)}`,
      run: function* (k: Kit) {
        const f = yield* k.c.alloc.allocObject(L.objectTypeByName('riscv64', 'seL4_RISCV_Mega_Page')!);
        return yield* inv(f, 'RISCVPageMap', [v, L.seL4_AllRights, 0], [VS]);
      },
      expect: 'AlignmentError',
    })),
    ...top.map((v) => ({
      name: `RISCV_Page_Map 1G at ${hex(v)}`,
      run: function* (k: Kit) {
        const f = yield* k.c.alloc.allocObject(L.objectTypeByName('riscv64', 'seL4_RISCV_Giga_Page')!);
        return yield* inv(f, 'RISCVPageMap', [v, L.seL4_AllRights, 0], [VS]);
      },
      expect: 'AlignmentError',
    })),
    { name: 'RISCV_Page_Map 4K at 0xfffffffffffff000', run: (k) => inv(k.frame, 'RISCVPageMap', [0xffff_ffff_ffff_f000n, L.seL4_AllRights, 0], [VS]), expect: 'InvalidArgument 0' },
    // RISC-V checks vtop first: only a vtop that wraps (2^64 - 1) gets as far as the alignment check
    ...EDGES.map(([n, w]) => ({
      name: `RISCV_Page_Map 4K vaddr = ${n}`,
      run: (k: Kit) => inv(k.frame, 'RISCVPageMap', [w, L.seL4_AllRights, 0], [VS]),
      expect: w + 0xfffn >= 1n << 64n ? 'AlignmentError' : 'InvalidArgument 0',
    })),
  ];
}

/** ARM's Page_Map answer at an edge: alignment is checked before the user top. */
function fixEdges(cases: Case[]): Case[] {
  return cases.map((c) => {
    if (c.expect !== '') return c;
    const w = EDGES.find(([n]) => c.name.endsWith(`= ${n}`))![1];
    return { ...c, expect: (w & 0xfffn) !== 0n ? 'AlignmentError' : 'InvalidArgument 0' };
  });
}

const TABLES: readonly [BoardName, Case[]][] = [
  ['pc99', [...generic('pc99'), ...x86()]],
  ['qemu-arm-virt', fixEdges([...generic('qemu-arm-virt'), ...arm()])],
  ['qemu-riscv-virt', [...generic('qemu-riscv-virt'), ...riscv()]],
];

for (const [board, cases] of TABLES) {
  describe(`exact words on ${board}`, () => {
    // 4 GiB of RAM on RISC-V, for an untyped large enough for a 1 GiB frame
    const got = runTable(cases, board, undefined, board === 'qemu-riscv-virt' ? 4 * 2 ** 30 : undefined);
    it.each(cases.map((k) => [k.name, k.expect] as const))('%s -> %s', (name, expected) => {
      expect(got.get(name)).toBe(expected);
    });
  });
}
