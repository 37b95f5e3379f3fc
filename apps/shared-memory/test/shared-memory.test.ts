// The shared-memory demo on every board: the consumer gets the producer's bytes both ways.
import { runMachine } from '@tsel4/syscalls';
import { describe, expect, it } from 'vitest';
import { fnv1a, makeData, sharedMemoryDemo } from '../src/shared-memory.js';

describe.each(['pc99', 'qemu-arm-virt', 'qemu-riscv-virt'] as const)('shared-memory demo on %s', (board) => {
  it('moves the same bytes through shared memory and through an endpoint', () => {
    const r = runMachine(sharedMemoryDemo({ bytes: 20_000 }), { board, checkInvariants: true, maxSteps: 1_000_000 });
    expect(r.reason).toBe('idle');
    const sum = `0x${fnv1a(makeData(20_000, 1)).toString(16).padStart(8, '0')}`;
    expect(r.console.trimEnd().split('\n')).toEqual([
      'shared-memory: 20000 bytes from a producer in one VSpace to a consumer in another',
      `shared-memory: 2 chunks of up to 16384 bytes, 4 signals, checksum ${sum}`,
      `endpoint copy: 21 Calls of up to 960 bytes, checksum ${sum}`,
      'same bytes both ways: yes',
    ]);
    expect(r.stats.faults).toBe(0);
  });
});
