/*
 * Boards: an architecture, a physical memory map, an interrupt controller and a clock.
 *
 * The three boards mirror the platforms seL4 is most often simulated on: `pc99` (x86_64, the
 * default), `qemu-arm-virt` (aarch64) and `qemu-riscv-virt` (riscv64). Their RAM sits where QEMU
 * puts it and their device regions are the ones a root task would find in its device untypeds.
 * RAM size is a parameter (1 MiB to 64 GiB, whole pages); memory is backed lazily, so a large board
 * costs nothing until it is written.
 */

import { type Arch, type ArchName, ARCHS } from './arch.js';
import { Cpu, DebugConsole, InterruptController } from './cpu.js';
import { IoPortBus } from './ioports.js';
import { COM1_BASE, COM1_LAST, Uart16550, type Uart16550State } from './uart16550.js';
import { type MemoryBacking, type MemoryRegion, type MemoryState, PAGE_SIZE, PhysicalMemory } from './memory.js';

/** The names of the boards tsel4 has. */
export type BoardName = 'pc99' | 'qemu-arm-virt' | 'qemu-riscv-virt';

/** A board's fixed description. */
export interface BoardSpec {
  readonly name: BoardName;
  readonly arch: ArchName;
  /** One-line description for summaries. */
  readonly description: string;
  /** Physical address where RAM starts. */
  readonly ramBase: number;
  /** RAM size when none is asked for. */
  readonly defaultRamBytes: number;
  /** Where RAM stops below the next hole, if RAM beyond it continues at `highRamBase` (PC). */
  readonly ramHoleStart?: number;
  readonly highRamBase?: number;
  /** Device regions (MMIO). */
  readonly devices: readonly MemoryRegion[];
  /** Interrupt lines: highest number and the kernel timer's line. */
  readonly maxIrq: number;
  readonly timerIrq: number;
  /** CPU clock in Hz (the cycle counter's rate). */
  readonly clockHz: number;
  /** Kernel timer tick in milliseconds (seL4's CONFIG_TIMER_TICK_MS, default 2). */
  readonly tickMs: number;
  /**
   * seL4's own boot-time memory map for this board, used when the board has exactly the RAM the
   * kernel build's device tree described (the kernel's avail_p_regs are baked in at build time).
   */
  readonly sel4Boot?: Sel4BootMemory;
}

/**
 * What seL4's boot code and the elfloader make of a board's physical memory (seL4: init_freemem,
 * create_untypeds, arch_init_freemem; seL4_tools: the elfloader's load_images).
 */
export interface Sel4BootMemory {
  /** The RAM size the kernel was built for. */
  readonly ramBytes: number;
  /** KERNEL_ELF_PADDR_BASE: where the elfloader puts the kernel image. */
  readonly kernelImageBase: number;
  /**
   * ki_end - KERNEL_ELF_PADDR_BASE and ki_boot_end - KERNEL_ELF_PADDR_BASE. These depend on the
   * compiled kernel; the values here are estimates (see the board's comment).
   */
  readonly kernelImageBytes: number;
  readonly kernelBootBytes: number;
  /** Kernel device frames the kernel keeps for itself (map_kernel_devices: not userAvailable). */
  readonly kernelDeviceFrames: readonly { readonly base: number; readonly size: number }[];
  /** CONFIG_PADDR_USER_DEVICE_TOP: device untypeds cover [0, this) outside RAM and the above. */
  readonly paddrUserDeviceTop: number;
  /** Bytes of the device tree blob the elfloader hands the kernel (copied right after the kernel). */
  readonly dtbBytes: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

const dev = (name: string, base: number, size: number): MemoryRegion => ({ name, kind: 'device', base, size });

export const BOARDS: Readonly<Record<BoardName, BoardSpec>> = {
  pc99: {
    name: 'pc99',
    arch: 'x86_64',
    description: 'PC99 x86_64 (QEMU q35-like), RAM from 1 MiB with the PCI hole at 3 GiB',
    ramBase: 1 * MiB,
    defaultRamBytes: 512 * MiB,
    ramHoleStart: 3 * GiB,
    highRamBase: 4 * GiB,
    devices: [
      dev('pci-mmio', 0xe0000000, 256 * MiB),
      dev('ioapic', 0xfec00000, 4096),
      dev('lapic', 0xfee00000, 4096),
    ],
    // seL4 pc99: IRQ = vector - 0x20; with the IOMMU on, the APIC timer (vector 157) is maxIRQ.
    maxIrq: 157 - 0x20,
    timerIrq: 157 - 0x20,
    clockHz: 3_400_000_000,
    tickMs: 2,
  },
  'qemu-arm-virt': {
    name: 'qemu-arm-virt',
    arch: 'aarch64',
    description: 'QEMU virt aarch64 (Cortex-A53), GICv2, PL011 UART, RAM at 1 GiB',
    ramBase: 0x40000000,
    defaultRamBytes: 1 * GiB,
    devices: [
      dev('gic-dist', 0x08000000, 0x10000),
      dev('gic-cpu', 0x08010000, 0x10000),
      dev('pl011-uart', 0x09000000, 4096),
      dev('pl031-rtc', 0x09010000, 4096),
      dev('virtio-mmio', 0x0a000000, 0x4000),
    ],
    // seL4 qemu-arm-virt: MAX_IRQ 159; the kernel tick is the generic timer's PPI 27.
    maxIrq: 159,
    timerIrq: 27,
    clockHz: 62_500_000,
    tickMs: 2,
  },
  'qemu-riscv-virt': {
    name: 'qemu-riscv-virt',
    arch: 'riscv64',
    description: 'QEMU virt riscv64 (Sv39), PLIC, 16550 UART, RAM at 2 GiB',
    ramBase: 0x80000000,
    defaultRamBytes: 1 * GiB,
    devices: [
      dev('clint', 0x02000000, 0x10000),
      dev('plic', 0x0c000000, 0x400000),
      dev('uart16550', 0x10000000, 4096),
      dev('virtio-mmio', 0x10001000, 0x8000),
    ],
    // seL4 qemu-riscv-virt: PLIC MAX_IRQ 95; the core timer is modelled as the line above it.
    maxIrq: 96,
    timerIrq: 96,
    clockHz: 10_000_000,
    tickMs: 2,
    // seL4 16.0.0 built for QEMU virt with -m 3072 (the reference runs): avail_p_regs is the whole
    // RAM (physBase 0x80000000, nothing kept back for OpenSBI), the kernel at physBase + 64 MiB,
    // the PLIC (0x600000 bytes on QEMU 7.2) kept as three 2 MiB kernel device frames, device
    // untypeds up to 2^39 (KernelPaddrUserTop for Sv39), a 4421-byte device tree (the length
    // the reference runs' extraLen 4437 implies). The kernel image's size and its boot part are
    // not known from the reference runs (they print no addresses); 0x36000 and 0x7000 are
    // estimates of a riscv64 debug kernel that give seL4's untyped count (60) exactly.
    sel4Boot: {
      ramBytes: 3072 * MiB,
      kernelImageBase: 0x84000000,
      kernelImageBytes: 0x36000,
      kernelBootBytes: 0x7000,
      kernelDeviceFrames: [{ base: 0x0c000000, size: 0x600000 }],
      paddrUserDeviceTop: 2 ** 39,
      dtbBytes: 4421,
    },
  },
};

/** Smallest and largest RAM a board accepts. */
export const MIN_RAM_BYTES = 1 * MiB;
export const MAX_RAM_BYTES = 64 * GiB;

/** Options for building a board. */
export interface BoardOptions {
  /** RAM size in bytes: whole 4 KiB pages, 1 MiB to 64 GiB. Default: the board's. */
  readonly ramBytes?: number;
  /** Override the timer period in cycles (default: tickMs at the board's clock). */
  readonly tickCycles?: number;
  /** Where RAM lives, when not in the JS heap (the native C bridge's backing). */
  readonly backing?: MemoryBacking;
  /**
   * pc99 only: a kernel built with CONFIG_IOMMU (seL4_X86_IOPageTableObject is an object type).
   * Default off, as the reference seL4 16.0.0 pc99 build (no VT-d on QEMU's pc machine).
   */
  readonly iommu?: boolean;
}

/** A board's whole state, for snapshots. */
export interface BoardState {
  readonly board: BoardName;
  readonly ramBytes: number;
  readonly cycles: number;
  readonly nextTick: number;
  readonly irq: { pending: number[]; masked: number[] };
  readonly console: { output: string; line: string };
  readonly memory: MemoryState;
  /** pc99's COM1 registers. */
  readonly com1?: Uart16550State;
}

/** A configuration the caller got wrong (unknown board, bad RAM size): one clear sentence. */
export class BoardConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BoardConfigError';
  }
}

/** A simulated board: CPU, memory, interrupt controller, console. */
export class Board {
  readonly arch: Arch;
  readonly memory: PhysicalMemory;
  readonly irq: InterruptController;
  readonly cpu: Cpu;
  readonly console = new DebugConsole();
  /** The I/O port space on x86 boards (null elsewhere). */
  readonly ioPorts: IoPortBus | null;
  /** pc99's COM1 (ports 0x3f8-0x3ff), a 16550 UART writing to the console; null elsewhere. */
  readonly com1: Uart16550 | null;
  /** RAM regions (one, or two when the PC's hole splits it). */
  readonly ram: readonly MemoryRegion[];
  readonly devices: readonly MemoryRegion[];

  constructor(
    readonly spec: BoardSpec,
    readonly ramBytes: number,
    tickCycles: number,
    backing: MemoryBacking | null = null,
    /** CONFIG_IOMMU (BoardOptions.iommu). */
    readonly iommu = false,
  ) {
    this.arch = ARCHS[spec.arch];
    this.ram = ramRegions(spec, ramBytes);
    this.devices = spec.devices;
    this.memory = new PhysicalMemory(spec.name, [...this.ram, ...spec.devices], backing);
    this.irq = new InterruptController(spec.maxIrq, spec.timerIrq);
    this.cpu = new Cpu(this.arch, this.irq, tickCycles);
    this.ioPorts = this.arch.ioPorts ? new IoPortBus() : null;
    this.com1 = spec.name === 'pc99' ? new Uart16550(COM1_BASE, (b) => this.console.putChar(b)) : null;
    if (this.com1 !== null) this.ioPorts?.attach(COM1_BASE, COM1_LAST, this.com1);
  }

  get name(): BoardName {
    return this.spec.name;
  }

  getState(): BoardState {
    return {
      board: this.spec.name,
      ramBytes: this.ramBytes,
      cycles: this.cpu.cycles,
      nextTick: this.cpu.nextTick,
      irq: this.irq.getState(),
      console: this.console.getState(),
      memory: this.memory.getState(),
      ...(this.com1 === null ? {} : { com1: this.com1.getState() }),
    };
  }

  /** Restore a state saved from a board of the same name and RAM size. */
  setState(s: BoardState): void {
    if (s.board !== this.spec.name || s.ramBytes !== this.ramBytes) {
      throw new BoardConfigError(
        `a ${s.board} state with ${s.ramBytes} bytes of RAM cannot be restored on ${this.spec.name} with ${this.ramBytes}`,
      );
    }
    this.cpu.cycles = s.cycles;
    this.cpu.nextTick = s.nextTick;
    this.irq.setState(s.irq);
    this.console.setState(s.console);
    this.memory.setState(s.memory);
    if (s.com1 !== undefined) this.com1?.setState(s.com1);
  }
}

function ramRegions(spec: BoardSpec, ramBytes: number): MemoryRegion[] {
  const holeStart = spec.ramHoleStart;
  const highBase = spec.highRamBase;
  if (holeStart !== undefined && highBase !== undefined && spec.ramBase + ramBytes > holeStart) {
    const low = holeStart - spec.ramBase;
    return [
      { name: 'ram', kind: 'ram', base: spec.ramBase, size: low },
      { name: 'ram-high', kind: 'ram', base: highBase, size: ramBytes - low },
    ];
  }
  return [{ name: 'ram', kind: 'ram', base: spec.ramBase, size: ramBytes }];
}

/** The names of every board. */
export const BOARD_NAMES = Object.keys(BOARDS) as BoardName[];

/** The board called `name`, or undefined. */
export function boardSpec(name: string): BoardSpec | undefined {
  return Object.prototype.hasOwnProperty.call(BOARDS, name) ? BOARDS[name as BoardName] : undefined;
}

/**
 * Build a board by name. Throws a BoardConfigError naming what is accepted for an unknown board or
 * a RAM size that is not whole pages between 1 MiB and 64 GiB.
 */
export function createBoard(name: string = 'pc99', options: BoardOptions = {}): Board {
  const spec = boardSpec(name);
  if (spec === undefined) {
    throw new BoardConfigError(`unknown board '${name}'; boards are: ${BOARD_NAMES.join(', ')}`);
  }
  const ramBytes = options.ramBytes ?? spec.defaultRamBytes;
  if (!Number.isInteger(ramBytes) || ramBytes < MIN_RAM_BYTES || ramBytes > MAX_RAM_BYTES || ramBytes % PAGE_SIZE !== 0) {
    throw new BoardConfigError(
      `RAM size ${ramBytes} is not accepted; give whole 4 KiB pages from ${MIN_RAM_BYTES} (1 MiB) to ${MAX_RAM_BYTES} (64 GiB)`,
    );
  }
  const tickCycles = options.tickCycles ?? Math.round((spec.clockHz / 1000) * spec.tickMs);
  if (!Number.isInteger(tickCycles) || tickCycles < 1) {
    throw new BoardConfigError(`timer period ${tickCycles} cycles is not accepted; give a positive integer`);
  }
  const iommu = options.iommu ?? false;
  if (iommu && spec.name !== 'pc99') throw new BoardConfigError(`an IOMMU is a pc99 option; ${spec.name} has none`);
  return new Board(spec, ramBytes, tickCycles, options.backing ?? null, iommu);
}
