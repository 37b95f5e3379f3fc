/*
 * Board RAM that C code can address: a MemoryBacking (hal) over memory the shim reserves. Each RAM
 * region gets one reservation the size of the region; the host backs a page only when it is first
 * written, so a 512 MiB board costs what it uses. The kernel's typed arrays are koffi views into
 * it, so the kernel and the C code read and write the same bytes: an IPC buffer is a host address
 * C can dereference. Device regions stay in the JS heap (C code has no business there).
 *
 * Reservations are never unmapped (views on them may outlive a machine); a released one is emptied
 * and kept for the next machine with a region of that size.
 */

import type { MemoryBacking, MemoryRegion } from '@tsel4/hal';
import { BridgeError, type Shim } from './shim.js';

const pool = new Map<number, number[]>();

export class NativeRam implements MemoryBacking {
  /** Host address of each backed region's first byte, by region base. */
  private readonly hosts = new Map<number, { readonly region: MemoryRegion; readonly host: number }>();
  private released = false;

  constructor(private readonly shim: Shim) {}

  backs(region: MemoryRegion): boolean {
    if (region.kind !== 'ram') return false;
    const spare = pool.get(region.size)?.pop();
    this.hosts.set(region.base, { region, host: spare ?? this.shim.reserve(region.size) });
    return true;
  }

  private hostOf(region: MemoryRegion): number {
    const h = this.hosts.get(region.base);
    if (h === undefined) throw new BridgeError(`internal: region ${region.name} is not backed by native RAM`);
    return h.host;
  }

  chunk(region: MemoryRegion, offset: number, length: number): ArrayBuffer {
    return this.shim.koffi.view(this.hostOf(region) + offset, length);
  }

  discard(region: MemoryRegion, offset: number, length: number): void {
    this.shim.discard(this.hostOf(region) + offset, length);
  }

  /** The host address of physical address `paddr` (in backed RAM), or null. */
  hostAddress(paddr: number): number | null {
    for (const { region, host } of this.hosts.values()) {
      if (paddr >= region.base && paddr < region.base + region.size) return host + (paddr - region.base);
    }
    return null;
  }

  /** Empty the reservations and keep them for another board (this one must not be used again). */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const { region, host } of this.hosts.values()) {
      this.shim.discard(host, region.size);
      let list = pool.get(region.size);
      if (list === undefined) {
        list = [];
        pool.set(region.size, list);
      }
      list.push(host);
    }
  }
}
