/* The I/O port bus: devices on ranges, all ones from empty ports, values cut to the access size. */
import { describe, expect, it } from 'vitest';
import { createBoard, IoPortBus, type IoPortSize } from '../src/index.js';

describe('IoPortBus', () => {
  it('reads all ones of the access size from ports nothing answers, and drops writes', () => {
    const bus = new IoPortBus();
    expect([bus.in(0x80, 1), bus.in(0x80, 2), bus.in(0x80, 4)]).toEqual([0xff, 0xffff, 0xffffffff]);
    expect(() => bus.out(0x80, 4, 0x1234)).not.toThrow();
  });

  it('passes accesses in a device range to the device, cutting values to the access size', () => {
    const bus = new IoPortBus();
    const log: string[] = [];
    bus.attach(0x3f8, 0x3ff, {
      in: (port: number, size: IoPortSize) => 0x12345678 + port,
      out: (port: number, size: IoPortSize, value: number) => void log.push(`${port}:${size}:${value.toString(16)}`),
    });
    expect(bus.in(0x3f8, 1)).toBe((0x12345678 + 0x3f8) & 0xff);
    expect(bus.in(0x3f9, 2)).toBe((0x12345678 + 0x3f9) & 0xffff);
    expect(bus.in(0x3f7, 1)).toBe(0xff);
    bus.out(0x3fa, 1, 0xabcd);
    bus.out(0x3fa, 4, -1);
    expect(log).toEqual([`${0x3fa}:1:cd`, `${0x3fa}:4:ffffffff`]);
  });

  it('refuses ranges outside 0..65535, backwards or overlapping', () => {
    const bus = new IoPortBus();
    const dev = { in: () => 0, out: () => {} };
    bus.attach(0x60, 0x64, dev);
    expect(() => bus.attach(0x64, 0x70, dev)).toThrow(/overlap/);
    expect(() => bus.attach(0x70, 0x60, dev)).toThrow(RangeError);
    expect(() => bus.attach(0xfff0, 0x10000, dev)).toThrow(RangeError);
  });

  it('exists on pc99 only', () => {
    expect(createBoard('pc99').ioPorts).toBeInstanceOf(IoPortBus);
    expect(createBoard('qemu-arm-virt').ioPorts).toBeNull();
    expect(createBoard('qemu-riscv-virt').ioPorts).toBeNull();
  });
});
