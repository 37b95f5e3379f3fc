// A small world for object tests: a board, an ObjectSpace with recording hooks, a root CNode of
// 2^12 slots addressed like the root task's (guard 0 of size wordBits - 12), and boot untypeds.
import { createBoard } from '@tsel4/hal';
import {
  type Cap,
  CNodeObj,
  type Cte,
  cnodeCap,
  type Endpoint,
  inertHooks,
  type KernelHooks,
  type Notification,
  ObjectSpace,
  snapshot,
  type Tcb,
  untypedCap,
  writeSlot,
} from '@tsel4/object';

export interface World {
  space: ObjectSpace;
  root: CNodeObj;
  rootCap: Cap;
  /** Slot n of the root CNode. */
  slot(n: number): Cte;
  calls: string[];
  snap(): unknown;
}

export const ROOT_SLOT = 2;
export const UT_SLOT = 16;

/** A world with one 1 MiB untyped in slot 16 (and a device untyped in 17 if asked). */
export function world(board = 'pc99', opts: { untypedBits?: number; device?: boolean } = {}): World {
  const b = createBoard(board);
  const calls: string[] = [];
  const hooks: KernelHooks = {
    ...inertHooks(),
    cancelAllIPC: (ep: Endpoint) => calls.push(`cancelAllIPC ${ep.addr.toString(16)}`),
    cancelAllSignals: (n: Notification) => calls.push(`cancelAllSignals ${n.addr.toString(16)}`),
    cancelBadgedSends: (ep: Endpoint, lo: number) => calls.push(`cancelBadgedSends ${ep.addr.toString(16)} ${lo}`),
    suspend: (t: Tcb) => calls.push(`suspend ${t.addr.toString(16)}`),
  };
  const space = new ObjectSpace(b.arch, b.memory, hooks);
  const rootAddr = b.ram[0]!.base + 0x10_0000;
  const root = new CNodeObj(rootAddr, 12, b.arch.objects.slotBits);
  const rootCap = cnodeCap(root, 12, b.arch.wordBits - 12, 0, 0);
  writeSlot(root.slotAt(ROOT_SLOT), rootCap);
  const utBits = opts.untypedBits ?? 20;
  // boot untypeds are naturally aligned
  const utBase = Math.ceil((b.ram[0]!.base + 0x100_0000) / 2 ** utBits) * 2 ** utBits;
  // boot untypeds are handed out full: the first Retype resets them
  writeSlot(root.slotAt(UT_SLOT), untypedCap(utBase, utBits, 2 ** utBits, false));
  if (opts.device) writeSlot(root.slotAt(UT_SLOT + 1), untypedCap(b.devices[0]!.base, 16, 2 ** 16, true));
  return {
    space,
    root,
    rootCap,
    slot: (n) => root.slotAt(n),
    calls,
    snap: () => snapshot([root.slotAt(ROOT_SLOT)]),
  };
}
