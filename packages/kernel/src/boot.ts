/*
 * Boot: the kernel's own objects and the root task (seL4: src/kernel/boot.c and the arch boot
 * files, digest section 10).
 *
 * RAM starts with a reserved region standing for the kernel image, then the root task's image
 * (zeroed 4 KiB frames: a TypeScript root task's code is not in memory, but its image is mapped
 * as seL4 maps an ELF's). After them come the objects seL4 makes for the root task (its CNode,
 * VSpace root, ASID pool, IPC buffer and bootinfo frames, the paging structures its image needs,
 * its TCB) and the idle thread. The root VSpace is real: the image, the IPC buffer (right after
 * the image) and the bootinfo frame (after that) are mapped through paging structures whose caps
 * the root task gets in bootinfo's userImagePaging region, as the image frames' caps are in
 * userImageFrames. Every other byte of RAM, and every device region, is handed to the root task
 * as untyped caps: each free region split into the largest naturally aligned power-of-two blocks,
 * device regions first. Boot caps are originals (revocable, no parent), and boot untypeds are
 * marked full, so their first Retype starts from their bottom.
 *
 * A board that describes seL4's own boot memory (BoardSpec.sel4Boot, qemu-riscv-virt with the
 * 3 GiB seL4's reference kernel was built for) boots as seL4 does there instead (bootmem.ts): the
 * kernel image and a device tree below the root task's image, the root server objects at the top
 * of RAM in seL4's allocation order, extra bootinfo frames holding an FDT header and the device
 * tree (mapped after the bootinfo frame, caps in extraBIPages), and seL4's untyped list.
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
  type seL4_SlotRegion,
  type seL4_UntypedDesc,
  USER_TEXT_BASE,
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
  PageEntry,
  type PagingKind,
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
  frameCapMapped,
  pageTableCapMapped,
} from '@tsel4/object';
import { setupReplyMaster } from './ipc.js';
import { IRQState } from './irqstate.js';
import { type Kernel, SchedulerAction } from './kernel.js';
import { setReg } from './registers.js';
import { setIRQState } from './irq.js';
import { indexAt } from './vspace.js';
import { extraBiSizeBits, minimalFdt, planSel4Memory, SEL4_BOOTINFO_HEADER_FDT, type Sel4MemoryPlan } from './bootmem.js';

/** Where the root task lives in its address space, and where it starts. */
export interface BootOptions {
  /** Virtual address of the root task's first instruction (its NextIP). */
  readonly entry: number;
  /** Virtual address of the root task's image (default libsel4's USER_TEXT_BASE, 0x400000). */
  readonly imageVaddr?: number;
  /** 4 KiB pages of the root task's image (default 16). Its IPC buffer and bootinfo follow it. */
  readonly imagePages?: number;
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
  /** The root task's image in its VSpace: [start, end). */
  readonly imageVaddr: number;
  readonly imageEnd: number;
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

/** The kind of paging structure at `level` of the walk (0 = the VSpace root). */
function pagingKindAt(k: Kernel, level: number): PagingKind {
  return k.arch.pagingKinds[level]!;
}

/**
 * seL4's create_it_address_space: the paging structures below `root` that cover [start, end),
 * each mapped where it belongs (level by level, as seL4 makes them), and a cap for each in the
 * root CNode from slot `next` on. Returns the slot region of those caps.
 */
function createItAddressSpace(
  k: Kernel,
  root: PagingObject,
  start: number,
  end: number,
  alloc: BootAllocator,
  put: (cap: Cap) => void,
  asid: number,
): void {
  const levels = k.vspace!.levels;
  const ptBits = k.arch.objects.pageTableBits;
  const entries = 2 ** (ptBits - k.arch.wordSizeBits);
  for (let level = 1; level < levels.length; level++) {
    const cover = 2 ** levels[level - 1]!.shift;
    for (let v = Math.floor(start / cover) * cover; v < end; v += cover) {
      const table = new PagingObject(alloc.alloc(ptBits), ptBits, pagingKindAt(k, level), entries);
      k.memory.zero(table.addr, 2 ** ptBits);
      let parent = root;
      for (let l = 0; l < level - 1; l++) parent = parent.entries[indexAt(v, levels[l]!.shift)] as PagingObject;
      parent.entries[indexAt(v, levels[level - 1]!.shift)] = table;
      put(pageTableCapMapped(pageTableCap(table), asid, v));
    }
  }
}

/** seL4's create_mapped_it_frame_cap: a read-write 4 KiB mapping of `frame` at `vaddr`, and its cap. */
function mapItFrame(k: Kernel, root: PagingObject, frame: Frame, vaddr: number, asid: number): Cap {
  const levels = k.vspace!.levels;
  let table = root;
  for (let l = 0; l < levels.length - 1; l++) table = table.entries[indexAt(vaddr, levels[l]!.shift)] as PagingObject;
  table.entries[indexAt(vaddr, levels[levels.length - 1]!.shift)] = new PageEntry(
    frame.addr,
    frame.sizeBits,
    VMReadWrite,
    k.vspace!.defaultVMAttributes,
  );
  return frameCapMapped(frameCap(frame, VMReadWrite), asid, vaddr);
}

/** How many paging structures below the root cover [start, end) (seL4: arch_get_n_paging). */
function nPaging(k: Kernel, start: number, end: number): number {
  const levels = k.vspace!.levels;
  let n = 0;
  for (let level = 1; level < levels.length; level++) {
    const cover = 2 ** levels[level - 1]!.shift;
    n += Math.ceil(end / cover) - Math.floor(start / cover);
  }
  return n;
}

/** A little-endian word at `paddr`. */
function writeWord(k: Kernel, paddr: number, value: number): void {
  const bytes = new Uint8Array(k.wordBits / 8);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(value / 2 ** (8 * i)) & 0xff;
  k.memory.writeBytes(paddr, bytes);
}

/** Where seL4 puts each root server object, and the device tree it passes. */
interface Sel4Placement {
  readonly plan: Sel4MemoryPlan;
  readonly cnode: number;
  readonly vspace: number;
  readonly asidPool: number;
  readonly ipcBuffer: number;
  readonly bootInfo: number;
  readonly extraBi: number;
  readonly paging: number;
  readonly tcb: number;
  readonly dtb: Uint8Array;
}

/** seL4: arch_init_freemem, init_freemem and create_rootserver_objects, on a board that says how. */
function placeAsSel4(k: Kernel, m: NonNullable<Kernel['board']['spec']['sel4Boot']>, imagePages: number, itStart: number, itEnd: number, extraBits: number): Sel4Placement {
  const o = k.arch.objects;
  const ram0 = k.board.ram[0]!;
  const cnodeBits = k.config.rootCNodeSizeBits + o.slotBits;
  const n = nPaging(k, itStart, itEnd);
  // seL4: calculate_rootserver_size, rootserver_max_size_bits
  const size =
    2 ** cnodeBits + 2 ** o.tcbBits + 2 * 2 ** o.pageBits + 2 ** o.asidPoolBits + (extraBits > 0 ? 2 ** extraBits : 0) +
    2 ** o.vspaceBits + n * 2 ** o.pageTableBits;
  const maxBits = Math.max(cnodeBits, o.vspaceBits, extraBits);
  const plan = planSel4Memory(m, { start: ram0.base, end: ram0.base + ram0.size }, o.pageBits, imagePages * 2 ** o.pageBits, size, maxBits, o.minUntypedBits, o.maxUntypedBits);
  // seL4: create_rootserver_objects, in its order
  let at = plan.rootserverStart;
  const take = (bits: number, count = 1) => {
    const a = at;
    at += count * 2 ** bits;
    return a;
  };
  let extraBi = -1;
  const maybeExtra = (cmpBits: number) => {
    if (extraBits > 0 && extraBits >= cmpBits && extraBi < 0) extraBi = take(extraBits);
  };
  maybeExtra(maxBits);
  let cnode: number;
  let vspace: number;
  if (cnodeBits > o.vspaceBits) {
    cnode = take(cnodeBits);
    maybeExtra(o.vspaceBits);
    vspace = take(o.vspaceBits);
  } else {
    vspace = take(o.vspaceBits);
    maybeExtra(cnodeBits);
    cnode = take(cnodeBits);
  }
  maybeExtra(o.pageBits);
  const asidPool = take(o.asidPoolBits);
  const ipcBuffer = take(o.pageBits);
  const bootInfo = take(o.pageBits);
  let tcb = o.tcbBits >= o.pageTableBits ? take(o.tcbBits) : -1;
  const paging = take(o.pageTableBits, n);
  if (tcb < 0) tcb = take(o.tcbBits);
  // the device tree the elfloader copied after the kernel image
  const dtb = minimalFdt(m.dtbBytes, { base: ram0.base, size: ram0.size }, 'riscv-virtio');
  k.memory.writeBytes(plan.dtbPaddr, dtb);
  return { plan, cnode, vspace, asidPool, ipcBuffer, bootInfo, extraBi, paging, tcb, dtb };
}

/** Boot the kernel: make the idle thread and the root task, and hand out all memory. */
export function bootKernel(k: Kernel, opts: BootOptions): BootResult {
  const arch = k.arch;
  const o = arch.objects;
  const g = k.vspace;
  if (g === undefined) throw new Error(`internal: boot has no address-space layout for ${arch.name}`);
  const pageSize = 2 ** o.pageBits;
  const ram0 = k.board.ram[0]!;
  const imageBytes = opts.kernelImageBytes ?? 2 * 1024 * 1024;
  const imagePages = opts.imagePages ?? 16;
  const imageVaddr = opts.imageVaddr ?? USER_TEXT_BASE;
  if (!Number.isInteger(imagePages) || imagePages < 1 || imageVaddr % pageSize !== 0) {
    throw new RangeError('boot: the root image needs a page-aligned address and at least one page');
  }
  const imageEnd = imageVaddr + imagePages * pageSize;
  // seL4: the IPC buffer right after the image, the bootinfo frame after it
  const ipcBufferVaddr = imageEnd;
  const bootInfoVaddr = ipcBufferVaddr + pageSize;
  // seL4 boot memory: the board's, when it has the RAM the kernel was built for
  const sb = k.board.spec.sel4Boot;
  const sel4 = sb !== undefined && k.board.ram.length === 1 && k.board.ramBytes === sb.ramBytes ? sb : undefined;
  // extra bootinfo (seL4: try_init_kernel): one FDT header and the device tree
  const headerBytes = 2 * (k.wordBits / 8);
  const extraSize = sel4 === undefined ? 0 : headerBytes + sel4.dtbBytes;
  const extraBits = extraBiSizeBits(extraSize, o.pageBits);
  const extraVaddr = bootInfoVaddr + pageSize;
  const itEnd = extraSize > 0 ? extraVaddr + 2 ** extraBits : bootInfoVaddr + pageSize;
  if (itEnd > g.userTop) throw new RangeError('boot: the root image does not fit below the top of user space');
  const radix = k.config.rootCNodeSizeBits;
  const need = imagePages * pageSize + 2 ** (radix + o.slotBits) + (nPaging(k, imageVaddr, itEnd) + 8) * pageSize;
  if (sel4 === undefined && imageBytes + need + 0x40000 > ram0.size) {
    throw new RangeError(`boot: ${k.board.name} has too little RAM for the kernel and the root task`);
  }
  const p = sel4 === undefined ? null : placeAsSel4(k, sel4, imagePages, imageVaddr, itEnd, extraBits);
  const alloc = new BootAllocator(p === null ? ram0.base + imageBytes : p.plan.kernelDataPaddr);

  // --- the root task's image, as the boot loader left it
  const imageFrames: Frame[] = [];
  for (let i = 0; i < imagePages; i++) {
    imageFrames.push(new Frame(p === null ? alloc.alloc(o.pageBits) : p.plan.imagePaddr + i * pageSize, o.pageBits, false));
  }

  // --- the root task's objects (seL4: create_rootserver_objects, in its order)
  const cnode = new CNodeObj(p?.cnode ?? alloc.alloc(radix + o.slotBits), radix, o.slotBits);
  const vspace = new PagingObject(p?.vspace ?? alloc.alloc(o.vspaceBits), o.vspaceBits, k.vspaceRootKind, 2 ** (o.vspaceBits - arch.wordSizeBits));
  const asidPool = new AsidPool(p?.asidPool ?? alloc.alloc(o.asidPoolBits), o.asidPoolBits, 2 ** g.seL4_ASIDPoolIndexBits);
  const ipcFrame = new Frame(p?.ipcBuffer ?? alloc.alloc(o.pageBits), o.pageBits, false);
  const biFrame = new Frame(p?.bootInfo ?? alloc.alloc(o.pageBits), o.pageBits, false);
  for (const obj of [cnode, vspace, asidPool, ipcFrame, biFrame, ...imageFrames]) k.memory.zero(obj.addr, 2 ** obj.sizeBits);
  const pagingAlloc = p === null ? alloc : new BootAllocator(p.paging);

  // --- the root CNode and the initial caps (seL4: create_root_cnode, ...)
  const rootCap = cnodeCap(cnode, radix, k.wordBits - radix, 0, 0);
  const slot = (n: number) => cnode.slotAt(n);
  writeSlot(slot(seL4_CapInitThreadCNode), rootCap);
  writeSlot(slot(seL4_CapDomain), DOMAIN_CAP);
  writeSlot(slot(seL4_CapIRQControl), IRQ_CONTROL_CAP);
  if (arch.ioPorts) writeSlot(slot(seL4_CapIOPortControl), IO_PORT_CONTROL_CAP);
  let next = seL4_NumInitialCaps;
  const provide = (c: Cap) => writeSlot(slot(next++), c);
  const region = (from: number): seL4_SlotRegion => ({ start: from, end: next });

  // --- the root VSpace (seL4: create_it_address_space), then its frames
  const vspaceCap = pageTableCapMapped(pageTableCap(vspace), IT_ASID, 0);
  writeSlot(slot(seL4_CapInitThreadVSpace), vspaceCap);
  const pagingStart = next;
  createItAddressSpace(k, vspace, imageVaddr, itEnd, pagingAlloc, provide, IT_ASID);
  const userImagePaging = region(pagingStart);
  writeSlot(slot(seL4_CapBootInfoFrame), mapItFrame(k, vspace, biFrame, bootInfoVaddr, IT_ASID));
  // --- extra bootinfo: the FDT header and the device tree, one frame cap per page it covers
  const extraStart = next;
  if (p !== null && extraSize > 0) {
    k.memory.zero(p.extraBi, 2 ** extraBits);
    writeWord(k, p.extraBi, SEL4_BOOTINFO_HEADER_FDT);
    writeWord(k, p.extraBi + headerBytes / 2, extraSize);
    k.memory.writeBytes(p.extraBi + headerBytes, p.dtb);
    for (let off = 0; off < extraSize; off += pageSize) {
      provide(mapItFrame(k, vspace, new Frame(p.extraBi + off, o.pageBits, false), extraVaddr + off, IT_ASID));
    }
  }
  const extraBIPages = region(extraStart);
  writeSlot(slot(seL4_CapInitThreadIPCBuffer), mapItFrame(k, vspace, ipcFrame, ipcBufferVaddr, IT_ASID));
  const framesStart = next;
  imageFrames.forEach((f, i) => provide(mapItFrame(k, vspace, f, imageVaddr + i * pageSize, IT_ASID)));
  const userImageFrames = region(framesStart);

  // --- the root task's ASID pool (seL4: create_it_asid_pool, write_it_asid_pool)
  writeSlot(slot(seL4_CapInitThreadASIDPool), asidPoolCap(asidPool, 0));
  writeSlot(slot(seL4_CapASIDControl), ASID_CONTROL_CAP);
  asidPool.entries[IT_ASID] = vspace;
  k.asidTable[0] = asidPool;

  // --- the root task's TCB and the idle thread
  const rootTcb = new Tcb(p?.tcb ?? alloc.alloc(o.tcbBits), o.tcbBits, new ThreadContext(arch), k.config.timeSlice, 'rootserver');
  const idle = new Tcb(alloc.alloc(o.tcbBits), o.tcbBits, new ThreadContext(arch), k.config.timeSlice, 'idle_thread');

  // --- the idle thread (seL4: create_idle_thread, configureIdleThread)
  idle.state = ThreadState.Idle;
  idle.flags = 1;
  k.idleThread = idle;
  k.curThread = idle;
  k.board.cpu.current = idle.ctx;

  // --- the root task's TCB (seL4: create_initial_thread)
  const bufSlot = slot(seL4_CapInitThreadIPCBuffer);
  const derived = deriveCap(bufSlot, bufSlot.cap);
  if (derived instanceof SyscallError) throw new Error('internal: cannot derive the root IPC buffer cap');
  cteInsert(rootCap, slot(seL4_CapInitThreadCNode), rootTcb.ctes[TCB_CTABLE]!);
  cteInsert(vspaceCap, slot(seL4_CapInitThreadVSpace), rootTcb.ctes[TCB_VTABLE]!);
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
  const untypedStart = next;
  const list: seL4_UntypedDesc[] = [];
  const add = (start: number, end: number, isDevice: boolean) => {
    for (const b of splitRegion(start, end, o.minUntypedBits, o.maxUntypedBits)) {
      if (list.length >= MAX_BOOTINFO_UNTYPED_CAPS) {
        k.debug(`Warning: too many untypeds; dropping [0x${b.base.toString(16)}, 2^${b.bits})`);
        continue;
      }
      provide(untypedCap(b.base, b.bits, 2 ** b.bits, isDevice));
      list.push({ paddr: b.base, sizeBits: b.bits, isDevice: isDevice ? 1 : 0 });
    }
  };
  if (p === null) {
    for (const d of k.board.devices) add(d.base, d.base + d.size, true);
    add(alloc.end, ram0.base + ram0.size, false);
    for (const r of k.board.ram.slice(1)) add(r.base, r.base + r.size, false);
  } else {
    // seL4: create_untypeds, as planned (the blocks are seL4's, not splitRegion's)
    for (const b of p.plan.untypeds) {
      if (list.length >= MAX_BOOTINFO_UNTYPED_CAPS) {
        k.debug('Kernel init: Too many untyped regions for boot info');
        continue;
      }
      provide(untypedCap(b.base, b.bits, 2 ** b.bits, b.isDevice));
      list.push({ paddr: b.base, sizeBits: b.bits, isDevice: b.isDevice ? 1 : 0 });
    }
  }

  const bootInfo: seL4_BootInfo = {
    extraLen: extraSize,
    nodeID: 0,
    numNodes: 1,
    numIOPTLevels: 0,
    ipcBuffer: ipcBufferVaddr,
    empty: { start: next, end: 2 ** radix },
    sharedFrames: { start: 0, end: 0 },
    userImageFrames,
    userImagePaging,
    ioSpaceCaps: { start: 0, end: 0 },
    extraBIPages,
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
    imageVaddr,
    imageEnd,
  };
}
