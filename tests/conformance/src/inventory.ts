/*
 * Every test of sel4test (seL4 16.0.0's sel4test: apps/sel4test-tests/src/tests/*.c and *.cxx,
 * and the driver's apps/sel4test-driver/src/tests/*.c), by area, with what this suite does with
 * it: ported (a test of that id exists here and runs), missing (it applies to the classic kernel
 * on our boards but needs something tsel4 does not have yet), or not applicable (it needs a
 * configuration tsel4 does not model: MCS, SMP, virtualisation, an IOMMU, the hardware debug API,
 * another architecture; or sel4test itself disables it). The README's table is rendered from this
 * list, and test/readme.test.ts checks the README, this list and the test files agree.
 */

export type Status = 'ported' | 'missing' | 'na';

export interface Sel4Test {
  readonly id: string;
  readonly status: Status;
  /** Why it is missing or not applicable; for a ported test, what differs from sel4test, if anything. */
  readonly note?: string;
}

export interface Area {
  readonly name: string;
  /** The sel4test source files. */
  readonly files: string;
  readonly tests: readonly Sel4Test[];
}

const MCS = 'MCS only (scheduling contexts, reply objects, timeout faults); tsel4 is the classic kernel';
const SMP = 'SMP only; tsel4 has one core';
const XN = 'ARM execute-never frames: the test copies machine code into a frame and runs a thread on it; TypeScript code is not bytes in memory, so only its second half (a fetch from the page remapped execute-never faults, which tsel4 does) could run';
const LONG = 'the invariant checker after every kernel entry on pc99 and every 100 steps on the other two boards (thousands of entries per board)';
const PROCESSES = 'helper processes with a CSpace and a VSpace of their own (an empty VSpace: TypeScript code is not fetched through it, and these helpers touch no memory)';
const PAST_THE_FAULT = 'the handler resumes the faulter past the faulting access at a function standing for the C code after it';
const AT_BAD_VADDR = 'the faulter starts at BAD_VADDR with BAD_MAGIC in its register instead of jumping there (a TypeScript thread cannot set its own PC, and seL4 refuses WriteRegisters on the calling thread)';
const USER_TIMER = 'with sel4test\'s user timer (a timer device on an IRQ line, modelled in src/timer.ts), on qemu-riscv-virt';

function ported(id: string, note?: string): Sel4Test {
  return note === undefined ? { id, status: 'ported' } : { id, status: 'ported', note };
}
function missing(id: string, note: string): Sel4Test {
  return { id, status: 'missing', note };
}
function na(id: string, note: string): Sel4Test {
  return { id, status: 'na', note };
}
function range(prefix: string, from: number, to: number, digits: number, f: (id: string) => Sel4Test, skip: readonly number[] = []): Sel4Test[] {
  const out: Sel4Test[] = [];
  for (let i = from; i <= to; i++) if (!skip.includes(i)) out.push(f(`${prefix}${String(i).padStart(digits, '0')}`));
  return out;
}

export const INVENTORY: readonly Area[] = [
  {
    name: 'IPC',
    files: 'ipc.c',
    tests: [
      ...range('IPC', 1, 4, 4, (id) => ported(id, LONG)),
      ...range('IPC', 1001, 1004, 4, (id) => ported(id, `${PROCESSES}; ${LONG}`)),
      ported('IPC0010'),
      ...range('IPC', 11, 27, 4, (id) => na(id, MCS)),
      na('IPC0028', `${MCS}; also disabled in sel4test`),
    ],
  },
  {
    name: 'Endpoint badges, CancelBadgedSends',
    files: 'endpoints.c',
    tests: [ported('CANCEL_BADGED_SENDS_0001', LONG), ported('CANCEL_BADGED_SENDS_0002', LONG)],
  },
  {
    name: 'IPC rights',
    files: 'ipc_rights.c',
    tests: range('IPCRIGHTS', 1, 5, 4, (id) => ported(id)),
  },
  {
    name: 'Notifications, bound notifications',
    files: 'nbwait.c, binding.c',
    tests: [
      ported('NBWAIT0001'),
      ...range('BIND', 1, 4, 4, (id) => ported(id)),
      na('BIND005', MCS),
      na('BIND006', MCS),
    ],
  },
  {
    name: 'CNode operations, CSpace',
    files: 'cnodeops.c, cspace.c',
    tests: [...range('CNODEOP', 1, 9, 4, (id) => ported(id)), ported('CSPACE0001')],
  },
  {
    name: 'Untyped retype',
    files: 'inc_untyped.c',
    tests: range('RETYPE', 0, 2, 4, (id) => ported(id)),
  },
  {
    name: 'TCB',
    files: 'threads.c, regressions.c',
    tests: [
      ported('THREADS0004'),
      ported('THREADS0005'),
      ported('REGRESSIONS0001'),
      na('REGRESSIONS0002', 'aarch32 only (the load-exclusive monitor)'),
      na('REGRESSIONS0003', 'ia32 only (return to user with CPL0)'),
    ],
  },
  {
    name: 'Scheduling',
    files: 'scheduler.c',
    tests: [
      ported('SCHED0000', USER_TIMER),
      ported('SCHED0002'),
      ported('SCHED0003'),
      ported('SCHED0004', 'on pc99 only, with the invariant checker every 20 steps instead of after every kernel entry (254 threads and their caps)'),
      ported('SCHED0005'),
      ported('SCHED0006'),
      ...range('SCHED', 7, 19, 4, (id) => na(id, MCS), [15]),
      ported('SCHED0020'),
      ported('SCHED0021', `${USER_TIMER}; sel4test skips it on simulators for timing noise, which a deterministic machine has none of`),
      na('SCHED0022', `${MCS}, and SMP`),
    ],
  },
  {
    name: 'Faults',
    files: 'faults.c',
    tests: [
      ported('PAGEFAULT0001', PAST_THE_FAULT),
      ported('PAGEFAULT0002', PAST_THE_FAULT),
      ported('PAGEFAULT0003', `${AT_BAD_VADDR}; ${PAST_THE_FAULT}`),
      ported('PAGEFAULT0004'),
      ported('PAGEFAULT0005', 'the undefined instruction is a TypeScript thread\'s CPU exception; `val` is memory the threads share'),
      ported('PAGEFAULT1001', `${PROCESSES}; ${PAST_THE_FAULT}`),
      ported('PAGEFAULT1002', `${PROCESSES}; ${PAST_THE_FAULT}`),
      ported('PAGEFAULT1003', `${PROCESSES}; ${AT_BAD_VADDR}; ${PAST_THE_FAULT}`),
      ported('PAGEFAULT1004', PROCESSES),
      na('PAGEFAULT1005', 'disabled in sel4test'),
      ...range('TIMEOUTFAULT', 1, 3, 4, (id) => na(id, MCS)),
      na('UNKNOWN_SYSCALL_001', 'VT-x only (seL4_VMEnter)'),
    ],
  },
  {
    name: 'Domains',
    files: 'domains.cxx',
    tests: [
      ported('DOMAINS0000', 'on a kernel with 4 domains'),
      ported('DOMAINS0001'),
      ported('DOMAINS0002'),
      ported('DOMAINS0003'),
      ported('DOMAINS0004', `on a kernel with 4 domains, ${USER_TIMER}`),
      ported('DOMAINS0005', `on a kernel with 4 domains, ${USER_TIMER}`),
      ported('DOMAINS9999', 'on a kernel with 4 domains'),
    ],
  },
  {
    name: 'Preemption',
    files: 'preempt.c',
    tests: [ported('PREEMPT_REVOKE', `${USER_TIMER}; with the invariant checker every 500 steps instead of after every kernel entry (it makes 16,384 caps)`)],
  },
  {
    name: 'Syscalls keep registers',
    files: 'sel4test-driver syscall.c',
    tests: [
      ...range('SYSCALL', 0, 6, 4, (id) => ported(id)),
      ...range('SYSCALL', 10, 17, 4, (id) => ported(id)),
      na('SYSCALL0018', `${MCS} (seL4_NBSendRecv)`),
    ],
  },
  {
    name: 'User timer',
    files: 'sel4test-driver timer.c',
    tests: [ported('TIMER0001', USER_TIMER), ported('TIMER0002', USER_TIMER)],
  },
  {
    name: 'Frames and IPC buffers',
    files: 'frames.c',
    tests: [
      ported('FRAMEEXPORTS0001', 'the allocator it runs dry is a board of 2 GiB (room for a 1 GiB page where the arch has them); with the invariant checker every 200 steps instead of after every kernel entry'),
      missing('FRAMEXN0001', XN),
      missing('FRAMEXN0002', XN),
      ported('FRAMEDIPC0001'),
      ported('FRAMEDIPC0002'),
      ported('FRAMEDIPC0003'),
    ],
  },
  {
    name: 'Address spaces, page tables, caches',
    files: 'vspace.c, pagetables.c, cache.c',
    tests: [
      ported('VSPACE0000', PROCESSES),
      ported('VSPACE0001', 'on qemu-arm-virt (sel4test has it for ARM only)'),
      ported('VSPACE0002'),
      ported('VSPACE0003'),
      ported('VSPACE0004'),
      ported('VSPACE0005', 'with the invariant checker every 100 steps instead of after every kernel entry (513 VSpaces)'),
      ported('VSPACE0006', 'a helper process in a VSpace of its own from each new ASID pool, with a frame mapped at 0x10000000 (the memory sel4test\'s processes touch there); with the invariant checker every 50 steps'),
      na('VSPACE0010', 'ia32 only (dirty and accessed bits)'),
      ported('PT0001', 'on qemu-arm-virt (sel4test has it for ARM only); the reservation\'s upper paging levels are made by mapping a large page into it first'),
      na('PT0002', 'aarch32 only (sections and supersections)'),
      ...range('CACHEFLUSH', 1, 4, 4, (id) => missing(id, 'a cache model (ARM, CONFIG_HAVE_CACHE): tsel4\'s memory has no caches, so a cached and an uncached view of a frame never differ as these tests expect')),
    ],
  },
  {
    name: 'FPU',
    files: 'fpu.c',
    tests: [
      na('FPU0000', 'tsel4 threads run TypeScript: their floating point is the host\'s, and there is no FPU state for the kernel to hold'),
      na('FPU0001', 'tsel4 threads run TypeScript: floating-point values live in each thread\'s own frames, so there is no FPU state for the kernel to switch'),
      na('FPU0002', SMP),
      ported('FPU0003'),
      missing('FPU0004', 'tsel4 has no FPU model: a thread with fpuDisabled computes in floating point without the fault seL4 raises'),
    ],
  },
  {
    name: 'Synchronisation library',
    files: 'sync.c',
    tests: range('SYNC', 1, 4, 3, (id) => ported(id, 'on semaphores and monitors built here on notifications (src/sync.ts), as libsel4sync builds them')),
  },
  {
    name: 'Framework',
    files: 'trivial.c',
    tests: range('TRIVIAL', 0, 2, 4, (id) => ported(id)),
  },
  {
    name: 'I/O ports',
    files: 'ioports.c',
    tests: [missing('IOPORTS1000', 'it executes the native inb instruction and expects the general-protection fault; TypeScript threads have no in/out instructions (the I/O port invocations themselves are tested in tests/scenarios/test/decode-ioport.test.ts)')],
  },
  {
    name: 'Thread-local storage',
    files: 'tls.c',
    tests: ['TLS0001', 'TLS0002', 'TLS0006'].map((id) => na(id, 'tests the C runtime\'s __thread variables (sel4runtime); TypeScript threads have none')),
  },
  {
    name: 'Serial server',
    files: 'serial_server.c',
    tests: [
      ...range('SERSERV_CLIENT_', 1, 5, 3, (id) => missing(id, 'tests seL4_libs\' serial-server library, which tsel4 does not have; its clients share frames with the server (issue 8)')),
      ...range('SERSERV_CLI_PROC_', 1, 5, 3, (id) => missing(id, 'tests seL4_libs\' serial-server library, which tsel4 does not have; its clients are processes with VSpaces of their own (issue 8)')),
    ],
  },
  {
    name: 'Scheduling contexts, MCS interrupts',
    files: 'schedcontext.c, interrupt.c',
    tests: [
      ...range('SCHED_CONTEXT_', 1, 14, 4, (id) => na(id, MCS), [4]),
      ...range('INTERRUPT', 2, 6, 4, (id) => na(id, MCS)),
    ],
  },
  {
    name: 'Multicore',
    files: 'multicore.c, sel4test-driver interrupt.c',
    tests: [...['MULTICORE0001', 'MULTICORE0002', 'MULTICORE0003', 'MULTICORE0004', 'MULTICORE0005', 'SMPIRQ0001'].map((id) => na(id, SMP))],
  },
  {
    name: 'Hardware debug API',
    files: 'breakpoints.c',
    tests: [
      ...range('BREAKPOINT_', 1, 7, 3, (id) => na(id, 'the hardware debug API (CONFIG_HARDWARE_DEBUG_API), which tsel4 does not model')),
      na('BREAK_REQUEST_001', 'the hardware debug API (CONFIG_HARDWARE_DEBUG_API), which tsel4 does not model'),
      na('SINGLESTEP_001', 'the hardware debug API (CONFIG_HARDWARE_DEBUG_API), which tsel4 does not model'),
    ],
  },
  {
    name: 'IOMMU, SMMU, SMC, virtualisation, benchmarking',
    files: 'iopt.c, smmu.c, smc.c, vcpu.c, benchmark_api.c',
    tests: [
      ...['IOPT0001', 'IOPT0002', 'IOPT0004', 'IOPT0008', 'IOPT0009', 'IOPT0011'].map((id) => na(id, 'an IOMMU (CONFIG_IOMMU / TK1 SMMU), which tsel4 does not model')),
      na('SMMU0001', 'the ARM SMMU (CONFIG_ARM_SMMU), which tsel4 does not model'),
      ...range('SMC', 1, 8, 4, (id) => na(id, 'ARM SMC calls (CONFIG_ALLOW_SMC_CALLS), off in the default configuration')),
      na('VCPU0001', 'ARM hypervisor support (VCPUs)'),
      na('BENCHMARK_0001', 'the benchmark kernel\'s utilisation tracking (CONFIG_BENCHMARK_TRACK_UTILISATION)'),
    ],
  },
];

/** Every test, in inventory order. */
export function allTests(): Sel4Test[] {
  return INVENTORY.flatMap((a) => [...a.tests]);
}

/** The markers around the rendered part of the README. */
export const README_BEGIN = '<!-- sel4test-table:begin (rendered from src/inventory.ts by src/render-readme.ts; test/readme.test.ts checks it) -->';
export const README_END = '<!-- sel4test-table:end -->';

/** The README's table and lists, rendered from the inventory (test/readme.test.ts compares). */
export function renderReadmeBlock(): string {
  const lines: string[] = [];
  lines.push('| area | sel4test source | in sel4test | ported | passing | missing | not applicable |');
  lines.push('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  const total = { all: 0, ported: 0, missing: 0, na: 0 };
  for (const a of INVENTORY) {
    const n = (s: Status) => a.tests.filter((t) => t.status === s).length;
    total.all += a.tests.length;
    total.ported += n('ported');
    total.missing += n('missing');
    total.na += n('na');
    lines.push(`| ${a.name} | ${a.files} | ${a.tests.length} | ${n('ported')} | ${n('ported')} | ${n('missing')} | ${n('na')} |`);
  }
  lines.push(`| **all** | | **${total.all}** | **${total.ported}** | **${total.ported}** | **${total.missing}** | **${total.na}** |`);
  lines.push('');
  const section = (title: string, status: Status) => {
    lines.push(`### ${title}`);
    lines.push('');
    for (const a of INVENTORY) {
      const ts = a.tests.filter((t) => t.status === status && (status !== 'ported' || t.note !== undefined));
      if (ts.length === 0) continue;
      // tests with the same reason share a line
      const byNote = new Map<string, string[]>();
      for (const t of ts) byNote.set(t.note ?? '', [...(byNote.get(t.note ?? '') ?? []), t.id]);
      for (const [note, ids] of byNote) lines.push(`- ${ids.join(', ')}: ${note}.`);
    }
    lines.push('');
  };
  section('Ported, with what differs from sel4test', 'ported');
  section('Missing, and why', 'missing');
  section('Not applicable, and why', 'na');
  return lines.join('\n');
}
