/*
 * A 16550 UART on the I/O port bus: the pc99 board's COM1 at 0x3f8-0x3ff, as QEMU's pc machine
 * has it. Eight byte-wide registers; a wider access is split into byte accesses, low port first,
 * as QEMU's memory layer splits it. What a program sees:
 *
 * - THR (+0, DLAB clear): a byte written goes to the board's console at once, so the line status
 *   register always reports the transmitter empty (THRE and TEMT, 0x60); in loopback mode (MCR
 *   bit 4) it goes to the receiver instead.
 * - RBR (+0): the oldest received byte (`receive` queues input), 0 when there is none; LSR bit 0
 *   (data ready) says whether there is one.
 * - DLL/DLM (+0/+1 with DLAB set), IER (+1), LCR (+3), MCR (+4) and the scratch register (+7)
 *   keep what is written; FCR (+2, write) turns the FIFOs on (IIR reads 0xc1) or off (0x01).
 * - MSR (+6): DCD, DSR and CTS asserted (0xb0); in loopback, the MCR's outputs.
 *
 * The state a root task finds is the one seL4's serial_init (src/plat/pc99/machine/io.c) leaves
 * at boot: divisor 1 (115200 baud), LCR 0x03 (8N1), MCR 0x0b (DTR, RTS, OUT2), interrupts off.
 * The UART raises no interrupts (IER is kept but nothing is delivered on IRQ 4).
 */
import type { IoPortDevice, IoPortSize } from './ioports.js';

/** COM1's ports on a PC. */
export const COM1_BASE = 0x3f8;
export const COM1_LAST = 0x3ff;

const LSR_DR = 0x01;
const LSR_THRE = 0x20;
const LSR_TEMT = 0x40;
const LCR_DLAB = 0x80;
const MCR_LOOP = 0x10;
const MSR_DEFAULT = 0xb0; // DCD | DSR | CTS
const IIR_NO_INT = 0x01;
const IIR_FIFO = 0xc0;

/** A UART's registers, for snapshots. */
export interface Uart16550State {
  readonly ier: number;
  readonly fcr: number;
  readonly lcr: number;
  readonly mcr: number;
  readonly scr: number;
  readonly dll: number;
  readonly dlm: number;
  readonly rx: readonly number[];
}

export class Uart16550 implements IoPortDevice {
  private ier = 0;
  private fcr = 0;
  private lcr = 0x03;
  private mcr = 0x0b;
  private scr = 0;
  private dll = 0x01;
  private dlm = 0;
  private rx: number[] = [];

  /** `transmit` receives each byte written to THR outside loopback. */
  constructor(
    readonly base: number,
    private readonly transmit: (byte: number) => void,
  ) {}

  /** Queue bytes for RBR (keyboard input, a test's data). */
  receive(bytes: Iterable<number>): void {
    for (const b of bytes) this.rx.push(b & 0xff);
  }

  in(port: number, size: IoPortSize): number {
    let v = 0;
    for (let i = 0; i < size; i++) v |= this.read8(port + i - this.base) << (8 * i);
    return v >>> 0;
  }

  out(port: number, size: IoPortSize, value: number): void {
    for (let i = 0; i < size; i++) this.write8(port + i - this.base, (value >>> (8 * i)) & 0xff);
  }

  private read8(reg: number): number {
    const dlab = (this.lcr & LCR_DLAB) !== 0;
    switch (reg) {
      case 0:
        return dlab ? this.dll : (this.rx.shift() ?? 0);
      case 1:
        return dlab ? this.dlm : this.ier;
      case 2:
        return ((this.fcr & 1) !== 0 ? IIR_FIFO : 0) | IIR_NO_INT;
      case 3:
        return this.lcr;
      case 4:
        return this.mcr;
      case 5:
        return LSR_THRE | LSR_TEMT | (this.rx.length > 0 ? LSR_DR : 0);
      case 6:
        if ((this.mcr & MCR_LOOP) !== 0) {
          // loopback: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD
          return (((this.mcr & 0x0c) << 4) | ((this.mcr & 0x02) << 3) | ((this.mcr & 0x01) << 5)) & 0xff;
        }
        return MSR_DEFAULT;
      case 7:
        return this.scr;
      default:
        return 0xff; // a port past the device on a wider access
    }
  }

  private write8(reg: number, b: number): void {
    const dlab = (this.lcr & LCR_DLAB) !== 0;
    switch (reg) {
      case 0:
        if (dlab) this.dll = b;
        else if ((this.mcr & MCR_LOOP) !== 0) this.rx.push(b);
        else this.transmit(b);
        return;
      case 1:
        if (dlab) this.dlm = b;
        else this.ier = b & 0x0f;
        return;
      case 2:
        this.fcr = b & 0xc9;
        if ((b & 0x02) !== 0) this.rx.length = 0; // clear the receive FIFO
        return;
      case 3:
        this.lcr = b;
        return;
      case 4:
        this.mcr = b & 0x1f;
        return;
      case 7:
        this.scr = b;
        return;
      default:
        return; // LSR and MSR are read-only
    }
  }

  getState(): Uart16550State {
    const { ier, fcr, lcr, mcr, scr, dll, dlm } = this;
    return { ier, fcr, lcr, mcr, scr, dll, dlm, rx: [...this.rx] };
  }

  setState(s: Uart16550State): void {
    ({ ier: this.ier, fcr: this.fcr, lcr: this.lcr, mcr: this.mcr, scr: this.scr, dll: this.dll, dlm: this.dlm } = s);
    this.rx = [...s.rx];
  }
}
