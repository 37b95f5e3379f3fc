/*
 * The PC's I/O port space (x86 boards only): 65,536 byte-wide ports reached with in/out of 1, 2
 * or 4 bytes. Devices attach to ranges of ports; an access to a port no device claims reads as
 * all ones and drops writes, as an empty ISA bus (and QEMU's) does. The pc99 board attaches COM1
 * (uart16550.ts); programs and tests attach what else they want to talk to.
 */
export type IoPortSize = 1 | 2 | 4;

/** A device on the I/O port bus. `port` is the first port of the access. */
export interface IoPortDevice {
  in(port: number, size: IoPortSize): number;
  out(port: number, size: IoPortSize, value: number): void;
}

interface Attached {
  readonly first: number;
  readonly last: number;
  readonly device: IoPortDevice;
}

const MASK: Readonly<Record<IoPortSize, number>> = { 1: 0xff, 2: 0xffff, 4: 0xffffffff };

export class IoPortBus {
  static readonly PORTS = 0x10000;
  private readonly attached: Attached[] = [];

  /** Attach `device` to ports first..last (inclusive). Throws a RangeError on a bad or overlapping range. */
  attach(first: number, last: number, device: IoPortDevice): void {
    if (!Number.isInteger(first) || !Number.isInteger(last) || first < 0 || last >= IoPortBus.PORTS || last < first) {
      throw new RangeError(`I/O ports ${first}..${last} are not a range of 0..65535`);
    }
    for (const a of this.attached) {
      if (first <= a.last && a.first <= last) throw new RangeError(`I/O ports ${first}..${last} overlap a device at ${a.first}..${a.last}`);
    }
    this.attached.push({ first, last, device });
  }

  private find(port: number): IoPortDevice | null {
    for (const a of this.attached) if (port >= a.first && port <= a.last) return a.device;
    return null;
  }

  /** Read `size` bytes at `port` (seL4's in8/in16/in32). */
  in(port: number, size: IoPortSize): number {
    const d = this.find(port);
    const mask = MASK[size];
    return d === null ? mask : (d.in(port, size) & mask) >>> 0;
  }

  /** Write the low `size` bytes of `value` at `port` (seL4's out8/out16/out32). */
  out(port: number, size: IoPortSize, value: number): void {
    this.find(port)?.out(port, size, (value & MASK[size]) >>> 0);
  }
}
