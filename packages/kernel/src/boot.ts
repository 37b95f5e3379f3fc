/*
 * Boot: the kernel's own objects and the root task (seL4: src/kernel/boot.c and the arch boot
 * files, digest section 10).
 *
 * RAM starts with a reserved region standing for the kernel image. After it come the objects
 * seL4 makes for the root task (its CNode, TCB, VSpace root, ASID pool, IPC buffer and bootinfo
 * frames) and the idle thread. Every other byte of RAM, and every device region, is handed to the
 * root task as untyped caps: each free region split into the largest naturally aligned
 * power-of-two blocks, device regions first. Boot caps are originals (revocable, no parent), and
 * boot untypeds are marked full, so their first Retype starts from their bottom.
 */

import {
  MAX_BOOTINFO_UNTYPED_CAPS,
  type seL4_BootInfo,
  seL4_CapASIDControl,
  seL4_CapBootInfoFrame,
  seL4_CapDomain,
  seL4_CapInitThreadASIDPool,
  seL4_CapInitThreadCNode,
  seL4_CapInitThreadIPCBuffer,
  seL4_CapInitThreadTCB,
  seL4_CapInitThreadVSpace,
  seL4_CapIOPortControl,
  seL4_CapIRQControl,
  seL4_MaxPrio,
  seL4_NumInitialCaps,
  type seL4_UntypedDesc,
  writeBootInfo,
} from '@tsel4/libsel4';
import { ThreadContext, wordHi, wordLo } from '@tsel4/hal';
import {
  ASID_CONTROL_CAP,
  AsidPool,
  asidPoolCap,
  type Cap,
  CNodeObj,
  cnodeCap,
  cteInsert,
  deriveCap,
  DOMAIN_CAP,
  Frame,
  frameCap,
  IO_PORT_CONTROL_CAP,
  IRQ_CONTROL_CAP,
  PagingObject,
  pageTableCap,
  SyscallError,
  Tcb,
  TCB_BUFFER,
  TCB_CTABLE,
  TCB_VTABLE,
  threadCap,
  ThreadState,
  untypedCap,
  VMReadWrite,
  writeSlot,
} from '@tsel4/object';
import { setupReplyMaster } from './ipc.js';
import { IRQState } from './irqstate.js';
import { type Kernel, SchedulerAction } from './kernel.js';
import { setReg } from './registers.js';
import { setIRQState } from './irq.js';

/** Where the root task's frames appear in its address space, and where it starts. */
export interface BootOptions {
  /** Virtual address of the root task's first instruction (its NextIP). */
  readonly entry: number;
  /** Virtual address of the root task's IPC buffer (default 0x800000). */
  readonly ipcBufferVaddr?: number;
  /** Virtual address of the bootinfo frame (default 0x801000). */
  readonly bootInfoVaddr?: number;
  /** Bytes of RAM reserved for the kernel image (default 2 MiB). */
  readonly kernelImageBytes?: number;
}

/** What boot made, for the machine and for tests. */
export interface BootResult {
  readonly rootTcb: Tcb;
  readonly rootCNode: CNodeObj;
  readonly bootInfo: seL4_BootInfo;
  readonly bootInfoPaddr: number;
  readonly bootInfoVaddr: number;
  readonly ipcBufferPaddr: number;
  readonly ipcBufferVaddr: number;
}

/** The ASID of the root task's VSpace (seL4's IT_ASID). */
export const IT_ASID = 1;

/** A bump allocator over one physical region, aligning each object to its size. */
class BootAllocator {
  constructor(private next: number) {}
  alloc(sizeBits: number): number {
    const size = 2 ** sizeBits;
    const addr = Math.ceil(this.next / size) * size;
    this.next = addr + size;
    return addr;
  }
  get end(): number {
    return this.next;
  }
}

/**
 * Split [start, end) into the largest naturally aligned power-of-two blocks of at least 2^minBits
 * and at most 2^maxBits bytes (seL4: create_untypeds_for_region).
 */
export function splitRegion(start: number, end: number, minBits: number, maxBits: number): { base: number; bits: number }[] {
  const out: { base: number; bits: number }[] = [];
  let base = Math.ceil(start / 2 ** minBits) * 2 ** minBits;
  while (end - base >= 2 ** minBits) {
    let bits = maxBits;
    while (bits > minBits && (base % 2 ** bits !== 0 || base + 2 ** bits > end)) bits--;
    if (base % 2 ** bits !== 0 || base + 2 ** bits > end) break;
    out.push({ base, bits });
    base += 2 ** bits;
  }
  return out;
}

/** Boot the kernel: make the idle thread and the root task, and hand out all memory. */
export function bootKernel(k: Kernel, opts: BootOptions): BootResult {
  const arch = k.arch;
  const o = arch.objects;
  const ram0 = k.board.ram[0]!;
  const imageBytes = opts.kernelImageBytes ?? 2 * 1024 * 1024;
  if (imageBytes + 0x40000 > ram0.size) {
    throw new RangeError(`boot: ${k.board.name} has too little RAM for the kernel and the root task`);
  }
  const alloc = new BootAllocator(ram0.base + imageBytes);
  const radix = k.config.rootCNodeSizeBits;

  // --- the root task's objects (seL4: create_rootserver_objects)
  const cnode = new CNodeObj(alloc.alloc(radix + o.slotBits), radix, o.slotBits);
  const vspace = new PagingObject(alloc.alloc(o.vspaceBits), o.vspaceBits, k.vspaceRootKind);
  const asidPool = new AsidPool(alloc.alloc(o.asidPoolBits), o.asidPoolBits);
  const ipcFrame = new Frame(alloc.alloc(o.pageBits), o.pageBits, false);
  const biFrame = new Frame(alloc.alloc(o.pageBits), o.pageBits, false);
  const rootTcb = new Tcb(alloc.alloc(o.tcbBits), o.tcbBits, new ThreadContext(arch), k.config.timeSlice, 'rootserver');
  const idle = new Tcb(alloc.alloc(o.tcbBits), o.tcbBits, new ThreadContext(arch), k.config.timeSlice, 'idle_thread');
  for (const f of [ipcFrame, biFrame]) k.memory.zero(f.addr, 2 ** f.sizeBits);

  // --- the idle thread (seL4: create_idle_thread, configureIdleThread)
  idle.state = ThreadState.Idle;
  idle.flags = 1;
  k.idleThread = idle;
  k.curThread = idle;
  k.board.cpu.current = idle.ctx;

  // --- the root CNode and the initial caps (seL4: create_root_cnode, ...)
  const rootCap = cnodeCap(cnode, radix, k.wordBits - radix, 0, 0);
  const slot = (n: number) => cnode.slotAt(n);
  writeSlot(slot(seL4_CapInitThreadCNode), rootCap);
  writeSlot(slot(seL4_CapDomain), DOMAIN_CAP);
  writeSlot(slot(seL4_CapIRQControl), IRQ_CONTROL_CAP);
  writeSlot(slot(seL4_CapASIDControl), ASID_CONTROL_CAP);
  writeSlot(slot(seL4_CapInitThreadASIDPool), asidPoolCap(asidPool, 0));
  if (arch.name === 'x86_64' || arch.name === 'ia32') writeSlot(slot(seL4_CapIOPortControl), IO_PORT_CONTROL_CAP);
  const ipcBufferVaddr = opts.ipcBufferVaddr ?? 0x80_0000;
  const bootInfoVaddr = opts.bootInfoVaddr ?? 0x80_1000;
  const mapped = (c: Cap, vaddr: number) => c.with({ lo: vaddr, a: IT_ASID, b: 1 });
  writeSlot(slot(seL4_CapInitThreadVSpace), mapped(pageTableCap(vspace), 0));
  writeSlot(slot(seL4_CapInitThreadIPCBuffer), mapped(frameCap(ipcFrame, VMReadWrite), ipcBufferVaddr));
  writeSlot(slot(seL4_CapBootInfoFrame), mapped(frameCap(biFrame, VMReadWrite), bootInfoVaddr));

  // --- the root task's TCB (seL4: create_initial_thread)
  const bufSlot = slot(seL4_CapInitThreadIPCBuffer);
  const derived = deriveCap(bufSlot, bufSlot.cap);
  if (derived instanceof SyscallError) throw new Error('internal: cannot derive the root IPC buffer cap');
  cteInsert(rootCap, slot(seL4_CapInitThreadCNode), rootTcb.ctes[TCB_CTABLE]!);
  cteInsert(slot(seL4_CapInitThreadVSpace).cap, slot(seL4_CapInitThreadVSpace), rootTcb.ctes[TCB_VTABLE]!);
  cteInsert(derived, bufSlot, rootTcb.ctes[TCB_BUFFER]!);
  rootTcb.ipcBufferLo = wordLo(ipcBufferVaddr);
  rootTcb.ipcBufferHi = wordHi(ipcBufferVaddr);
  setReg(rootTcb, arch.syscall.capReg, wordLo(bootInfoVaddr), wordHi(bootInfoVaddr));
  setReg(rootTcb, arch.nextIP, wordLo(opts.entry), wordHi(opts.entry));
  rootTcb.priority = seL4_MaxPrio;
  rootTcb.mcp = seL4_MaxPrio;
  const first = k.domainSchedule[0]!;
  k.domScheduleIdx = 0;
  k.curDomain = first.domain;
  k.domainTime = first.length;
  rootTcb.domain = first.domain;
  setupReplyMaster(rootTcb);
  rootTcb.state = ThreadState.Running;
  writeSlot(slot(seL4_CapInitThreadTCB), threadCap(rootTcb));
  k.tcbs.add(rootTcb);
  k.rootTcb = rootTcb;
  k.rootCNodeSlot = slot(seL4_CapInitThreadCNode);
  k.onTcbCreated?.(rootTcb);

  // --- untypeds: device regions first, then free RAM (seL4: create_untypeds)
  let next = seL4_NumInitialCaps;
  const untypedStart = next;
  const list: seL4_UntypedDesc[] = [];
  const add = (start: number, end: number, isDevice: boolean) => {
    for (const b of splitRegion(start, end, o.minUntypedBits, o.maxUntypedBits)) {
      if (list.length >= MAX_BOOTINFO_UNTYPED_CAPS) {
        k.debug(`Warning: too many untypeds; dropping [0x${b.base.toString(16)}, 2^${b.bits})`);
        continue;
      }
      writeSlot(slot(next++), untypedCap(b.base, b.bits, 2 ** b.bits, isDevice));
      list.push({ paddr: b.base, sizeBits: b.bits, isDevice: isDevice ? 1 : 0 });
    }
  };
  for (const d of k.board.devices) add(d.base, d.base + d.size, true);
  add(alloc.end, ram0.base + ram0.size, false);
  for (const r of k.board.ram.slice(1)) add(r.base, r.base + r.size, false);

  const bootInfo: seL4_BootInfo = {
    extraLen: 0,
    nodeID: 0,
    numNodes: 1,
    numIOPTLevels: 0,
    ipcBuffer: ipcBufferVaddr,
    empty: { start: next, end: 2 ** radix },
    sharedFrames: { start: 0, end: 0 },
    userImageFrames: { start: untypedStart, end: untypedStart },
    userImagePaging: { start: untypedStart, end: untypedStart },
    ioSpaceCaps: { start: 0, end: 0 },
    extraBIPages: { start: untypedStart, end: untypedStart },
    initThreadCNodeSizeBits: radix,
    initThreadDomain: first.domain,
    untyped: { start: untypedStart, end: next },
    untypedList: list,
  };
  writeBootInfo(k.memory, biFrame.addr, k.wordBits, bootInfo);

  // --- interrupts: the timer is the kernel's, everything else is inactive (masked)
  for (let irq = 0; irq < k.irqState.length; irq++) setIRQState(k, IRQState.Inactive, irq);
  setIRQState(k, IRQState.Timer, k.board.irq.timerIrq);

  // --- the root task is the switch candidate; the first schedule() runs it (seL4: init_core_state)
  k.action = SchedulerAction.SwitchToThread;
  k.candidate = rootTcb;

  return {
    rootTcb,
    rootCNode: cnode,
    bootInfo,
    bootInfoPaddr: biFrame.addr,
    bootInfoVaddr,
    ipcBufferPaddr: ipcFrame.addr,
    ipcBufferVaddr,
  };
}
