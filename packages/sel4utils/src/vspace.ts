/*
 * Address-space helpers (like sel4utils' vspace and the reference scenarios' ref_map_new_frame):
 * map a frame and let the helper make whatever paging structures the mapping still lacks, and
 * make a fresh VSpace with an ASID. Built from the libsel4 calls a C program makes: Page_Map, and
 * on FailedLookup the paging structure that covers the bits the lookup failure names.
 */

import {
  currentThread,
  invokeMethod,
  seL4_AllRights,
  seL4_CapInitThreadASIDPool,
  seL4_CapInitThreadVSpace,
  seL4_FailedLookup,
  seL4_GetMR,
  seL4_MissingCapability,
  type seL4_CPtr,
  type seL4_Word,
  type TrapToken,
  type VSpaceGeometry,
  vspaceGeometry,
  type VSpaceObjects,
  vspaceObjects,
} from '@tsel4/libsel4';
import type { Allocator } from './alloc.js';
import { errorWords, Sel4Error } from './errors.js';

/** How to map. */
export interface MapOptions {
  /** The VSpace root (default the root task's). */
  readonly vspace?: seL4_CPtr;
  /** seL4_CapRights_t mask (default all rights: the frame cap's own). */
  readonly rights?: number;
  /** VM attributes (default the arch's seL4_*_Default_VMAttributes). */
  readonly attr?: seL4_Word;
}

function archInfo(): { g: VSpaceGeometry; o: VSpaceObjects } {
  const arch = currentThread().arch.name;
  const g = vspaceGeometry(arch);
  const o = vspaceObjects(arch);
  if (g === undefined || o === undefined) throw new Error(`sel4utils: no address-space support on ${arch}`);
  return { g, o };
}

/**
 * Map `frame` at `vaddr`, first making (from `alloc`) and mapping each paging structure the
 * mapping lacks. Returns the cptrs of the structures made, highest level first. Any other error
 * throws a Sel4Error.
 */
export function* mapFrame(
  alloc: Allocator,
  frame: seL4_CPtr,
  vaddr: number,
  opts: MapOptions = {},
): Generator<TrapToken, number[], unknown> {
  const { g, o } = archInfo();
  const vspace = opts.vspace ?? seL4_CapInitThreadVSpace;
  const rights = opts.rights ?? seL4_AllRights;
  const attr = opts.attr ?? g.defaultVMAttributes;
  const made: number[] = [];
  for (;;) {
    const err = yield* invokeMethod(o.pageIface, 'Map', frame, [vspace, vaddr, rights, attr]);
    if (err === 0) return made;
    const what = `frame ${String(frame)} at 0x${vaddr.toString(16)}`;
    if (err !== seL4_FailedLookup || seL4_GetMR(1) !== seL4_MissingCapability) {
      throw new Sel4Error(`${o.pageIface}_Map`, what, err, errorWords(err));
    }
    // the structure that covers the bits the lookup could not translate
    const bits = seL4_GetMR(2);
    const level = g.levels.findIndex((l, i) => i > 0 && g.levels[i - 1]!.shift === bits);
    if (level < 1) throw new Sel4Error(`${o.pageIface}_Map`, what, err, errorWords(err));
    const table = yield* alloc.allocObject(o.tableType(level));
    const e = yield* invokeMethod(o.tableIface(level), 'Map', table, [vspace, vaddr, attr]);
    if (e !== 0) throw new Sel4Error(`${o.tableIface(level)}_Map`, `table ${table} at 0x${vaddr.toString(16)}`, e, errorWords(e));
    made.push(table);
  }
}

/** Unmap `frame` (Page_Unmap). */
export function* unmapFrame(frame: seL4_CPtr): Generator<TrapToken, void, unknown> {
  const { o } = archInfo();
  const err = yield* invokeMethod(o.pageIface, 'Unmap', frame, []);
  if (err !== 0) throw new Sel4Error(`${o.pageIface}_Unmap`, `frame ${String(frame)}`, err);
}

/** A new VSpace root with an ASID from `pool` (default the root task's ASID pool). */
export function* newVSpace(alloc: Allocator, pool: seL4_CPtr = seL4_CapInitThreadASIDPool): Generator<TrapToken, number, unknown> {
  const { o } = archInfo();
  const root = yield* alloc.allocObject(o.vspaceType);
  const err = yield* invokeMethod(o.asidPoolIface, 'Assign', pool, [root]);
  if (err !== 0) throw new Sel4Error(`${o.asidPoolIface}_Assign`, `VSpace ${root}`, err);
  return root;
}
