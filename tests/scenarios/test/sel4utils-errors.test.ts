// What the helper library's errors say: only the message registers the seL4 error has, and a
// plain statement of what ran out when the root CNode has no free slot left.
import * as L from '@tsel4/libsel4';
import { runMachine } from '@tsel4/syscalls';
import { describe, expect, it } from 'vitest';
import { Allocator, mapFrame, spawn } from '@tsel4/sel4utils';

type Code = Generator<L.TrapToken, void, unknown>;

/** Run `body` as the root task and return what it printed, one line per caught error. */
function run(body: (alloc: Allocator) => Code, board: 'pc99' | 'qemu-arm-virt' = 'pc99'): string[] {
  const lines: string[] = [];
  const r = runMachine(
    function* main(): Code {
      const alloc = new Allocator(L.seL4_GetBootInfo());
      try {
        yield* body(alloc);
      } catch (e) {
        lines.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
      }
    },
    { board, maxSteps: 1_000_000 },
  );
  expect(r.reason).not.toBe('steps');
  return lines;
}

describe('sel4utils errors', () => {
  it("mapFrame's error carries the words of its seL4 error and no more", () => {
    // a frame mapped at a second address: seL4_InvalidArgument with the argument number (0)
    let frame = 0;
    expect(
      run(function* (alloc) {
        frame = yield* alloc.allocFrame();
        yield* mapFrame(alloc, frame, 0x1000_0000);
        yield* mapFrame(alloc, frame, 0x1000_1000);
      }),
    ).toEqual([`Sel4Error: seL4_X86_Page_Map (frame ${frame} at 0x10001000) failed: seL4_InvalidArgument [0]`]);
    // a misaligned address: seL4_AlignmentError, which has no extra words
    expect(
      run(function* (alloc) {
        frame = yield* alloc.allocFrame();
        yield* mapFrame(alloc, frame, 0x1000_0010);
      }),
    ).toEqual([`Sel4Error: seL4_X86_Page_Map (frame ${frame} at 0x10000010) failed: seL4_AlignmentError`]);
    // an address beyond user space: seL4_InvalidArgument [0] on x86_64 (seL4: decodeX86FrameInvocation)
    expect(
      run(function* (alloc) {
        frame = yield* alloc.allocFrame();
        yield* mapFrame(alloc, frame, 0xffff_8000_0000_0000);
      }),
    ).toEqual([`Sel4Error: seL4_X86_Page_Map (frame ${frame} at 0xffff800000000000) failed: seL4_InvalidArgument [0]`]);
  });

  it('says that the root CNode ran out of slots, not seL4_NotEnoughMemory', () => {
    const lines = run(function* (alloc) {
      for (;;) alloc.allocSlot();
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^OutOfSlotsError: sel4utils: out of root CNode slots \(all \d+ free slots bootinfo gives, \d+\.\.\d+, are in use\)$/);
    const viaSpawn = run(function* (alloc) {
      while (alloc.slotsUsed < 4000) alloc.allocSlot();
      for (;;) yield* spawn(alloc, function* idle() {});
    });
    expect(viaSpawn).toHaveLength(1);
    expect(viaSpawn[0]).toMatch(/^OutOfSlotsError: sel4utils: out of root CNode slots/);
  });
});
