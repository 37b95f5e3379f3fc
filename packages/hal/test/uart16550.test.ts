/*
 * pc99's COM1: a 16550 UART at 0x3f8-0x3ff as QEMU's pc machine has it, left as seL4's
 * serial_init (src/plat/pc99/machine/io.c) leaves it.
 */
import { describe, expect, it } from 'vitest';
import { createBoard } from '../src/index.js';

describe('pc99 COM1 (16550 UART)', () => {
  it('sends THR bytes to the console and reports the transmitter empty', () => {
    const b = createBoard('pc99');
    const io = b.ioPorts!;
    expect(io.in(0x3fd, 1)).toBe(0x60); // LSR: THRE | TEMT, no data
    for (const c of 'hi\n') io.out(0x3f8, 1, c.charCodeAt(0));
    expect(b.console.output).toBe('hi\n');
  });

  it('keeps what is written to the scratch register', () => {
    const io = createBoard('pc99').ioPorts!;
    expect(io.in(0x3ff, 1)).toBe(0);
    io.out(0x3ff, 1, 0x5a);
    expect(io.in(0x3ff, 1)).toBe(0x5a);
  });

  it('is in the state serial_init leaves: 8N1, divisor 1, DTR/RTS/OUT2, no interrupts, FIFOs off', () => {
    const io = createBoard('pc99').ioPorts!;
    expect(io.in(0x3fb, 1)).toBe(0x03);
    expect(io.in(0x3fc, 1)).toBe(0x0b);
    expect(io.in(0x3f9, 1)).toBe(0x00);
    expect(io.in(0x3fa, 1)).toBe(0x01);
    expect(io.in(0x3fe, 1)).toBe(0xb0);
    io.out(0x3fb, 1, 0x83); // DLAB
    expect([io.in(0x3f8, 1), io.in(0x3f9, 1)]).toEqual([1, 0]);
    io.out(0x3f8, 1, 0x0c);
    io.out(0x3fb, 1, 0x03);
    io.out(0x3fb, 1, 0x83);
    expect(io.in(0x3f8, 1)).toBe(0x0c);
    io.out(0x3fa, 1, 0x07); // FIFOs on
    expect(io.in(0x3fa, 1)).toBe(0xc1);
  });

  it('loops bytes back to the receiver in loopback mode; input reads through RBR', () => {
    const b = createBoard('pc99');
    const io = b.ioPorts!;
    io.out(0x3fc, 1, 0x1b);
    io.out(0x3f8, 1, 0x41);
    expect(b.console.output).toBe('');
    expect(io.in(0x3fd, 1)).toBe(0x61);
    expect(io.in(0x3f8, 1)).toBe(0x41);
    expect(io.in(0x3fd, 1)).toBe(0x60);
    expect(io.in(0x3fe, 1)).toBe(0xb0); // RTS->CTS, DTR->DSR, OUT2->DCD
    b.com1!.receive([0x31, 0x32]);
    expect([io.in(0x3f8, 1), io.in(0x3f8, 1), io.in(0x3f8, 1)]).toEqual([0x31, 0x32, 0]);
  });

  it('splits a wide access into bytes; other ports stay all ones; snapshots keep the registers', () => {
    const b = createBoard('pc99');
    const io = b.ioPorts!;
    expect(io.in(0x3fc, 4)).toBe(0x00b0600b);
    expect(io.in(0x2f8, 1)).toBe(0xff);
    io.out(0x3ff, 1, 7);
    const s = b.getState();
    io.out(0x3ff, 1, 9);
    b.setState(s);
    expect(io.in(0x3ff, 1)).toBe(7);
    expect(createBoard('qemu-arm-virt').com1).toBeNull();
  });
});
