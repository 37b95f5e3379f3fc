/*
 * Allocation for a root task (like seL4_libs' simple + vka): free slots from bootinfo's empty
 * region, objects retyped from the bootinfo untypeds. Objects come preferably from large untypeds
 * (2^20 bytes and up, like the reference scenarios' helper), then from any non-device untyped that
 * still has room; an untyped that answers NotEnoughMemory is skipped.
 */

import {
  currentThread,
  objectTypeName,
  type seL4_BootInfo,
  seL4_CapInitThreadCNode,
  seL4_NotEnoughMemory,
  seL4_Untyped_Retype,
  smallPageObject,
  type TrapToken,
} from '@tsel4/libsel4';
import { Sel4Error } from './errors.js';

/** Options for an Allocator. */
export interface AllocatorOptions {
  /** Slots at the top of the empty region to leave alone (default 0). */
  readonly reserveTopSlots?: number;
}

/** The Allocator has handed out every free slot of the root CNode. */
export class OutOfSlotsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutOfSlotsError';
  }
}

export class Allocator {
  private next: number;
  private readonly end: number;
  private threads = 0;

  constructor(
    readonly bootInfo: seL4_BootInfo,
    opts: AllocatorOptions = {},
  ) {
    this.next = bootInfo.empty.start;
    this.end = bootInfo.empty.end - (opts.reserveTopSlots ?? 0);
  }

  /** A free slot of the root CNode (its cptr). Throws when none is left. */
  allocSlot(): number {
    if (this.next >= this.end) {
      const start = this.bootInfo.empty.start;
      throw new OutOfSlotsError(`sel4utils: out of root CNode slots (all ${this.end - start} free slots bootinfo gives, ${start}..${this.end - 1}, are in use)`);
    }
    return this.next++;
  }

  /** A new index for each thread made with this allocator (places its IPC buffer). */
  nextThreadIndex(): number {
    return this.threads++;
  }

  /** Slots handed out so far. */
  get slotsUsed(): number {
    return this.next - this.bootInfo.empty.start;
  }

  /**
   * Retype one object of `type` (and `sizeBits` for CNodes and untypeds) into a fresh slot and
   * return its cptr.
   */
  *allocObject(type: number, sizeBits = 0): Generator<TrapToken, number, unknown> {
    const slot = this.allocSlot();
    const bi = this.bootInfo;
    let last = seL4_NotEnoughMemory;
    for (const pass of [0, 1]) {
      for (let i = 0; i < bi.untypedList.length; i++) {
        const d = bi.untypedList[i]!;
        if (d.isDevice || (pass === 0 && d.sizeBits < 20)) continue;
        last = yield* seL4_Untyped_Retype(bi.untyped.start + i, type, sizeBits, seL4_CapInitThreadCNode, 0, 0, slot, 1);
        if (last === 0) return slot;
        if (last !== seL4_NotEnoughMemory) {
          throw new Sel4Error('seL4_Untyped_Retype', `${objectTypeName(currentThread().arch.name, type)} into slot ${slot}`, last);
        }
      }
    }
    throw new Sel4Error('seL4_Untyped_Retype', `${objectTypeName(currentThread().arch.name, type)}: no untyped has room`, last);
  }

  /** A 4 KiB frame of this arch. */
  *allocFrame(): Generator<TrapToken, number, unknown> {
    return yield* this.allocObject(smallPageObject(currentThread().arch.name));
  }
}
