/*
 * The inspection API for capabilities: plain, JSON-serialisable pictures of a cap, of a CSpace
 * (the tree of CNodes reachable from a root CNode cap, each slot with its cap's type, rights,
 * badge and guard) and of a cap's derivation subtree (what revoking it would delete). Tests use
 * these to state what a CSpace holds; the playground draws them. Nothing here changes state.
 *
 * Every object is named by a stable id, "<kind>@0x<address>" ("endpoint@0x412000"), and every slot
 * by "<owner id>[<index>]" ("cnode@0x400000[12]"), so views can link a slot to its object and a
 * thread to the endpoint it blocks on.
 */

import { wordToHex } from '@tsel4/hal';
import { type Cap, CapType, capTypeName, EP_CAN_GRANT, EP_CAN_GRANT_REPLY, EP_CAN_RECEIVE, EP_CAN_SEND } from './cap.js';
import { CNodeObj } from './cnode.js';
import type { Cte, CteOwner } from './cte.js';
import { type KObject, PagingObject } from './kobject.js';
import { isMDBParentOf } from './mdb.js';
import { Tcb } from './tcb.js';

/** A cap as data. Fields a cap type does not have are absent. */
export interface CapInfo {
  /** seL4's name of the cap type: "endpoint_cap", "cnode_cap", ... */
  readonly type: string;
  /** The object it names ("endpoint@0x412000"), or null (untyped, IRQ control, ...). */
  readonly object: string | null;
  /** Endpoint/notification/reply/frame rights as letters in seL4's order, "-" for a right not held: "WRGP" (endpoint: Write Read Grant GrantReply), "WR" (notification), "G" (reply), "RW" (frame). */
  readonly rights?: string;
  /** Endpoint/notification badge, hex ("0x0" when unbadged). */
  readonly badge?: string;
  /** CNode: guard (hex), guard size and radix in bits. */
  readonly guard?: string;
  readonly guardSize?: number;
  readonly radix?: number;
  /** Untyped: base address (hex), size in bits, free offset in bytes, device memory. */
  readonly base?: string;
  readonly sizeBits?: number;
  readonly freeOffset?: number;
  readonly isDevice?: boolean;
  /** Frame or page table: mapped address (hex) and ASID, when mapped; a VSpace root with an ASID: the ASID only. */
  readonly mappedAt?: string;
  readonly asid?: number;
  /** IRQ handler: the IRQ. Reply: a master reply cap. IO port: first and last port. */
  readonly irq?: number;
  readonly master?: boolean;
  readonly ports?: readonly [number, number];
}

/** A slot and its cap. */
export interface SlotInfo {
  /** "cnode@0x400000[12]", "tcb@0x420000[3]" */
  readonly id: string;
  /** The CNode or TCB holding the slot ("cnode@0x400000"), or "kernel". */
  readonly owner: string;
  readonly index: number;
  readonly cap: CapInfo;
  /** seL4's mdbRevocable and mdbFirstBadged. */
  readonly revocable: boolean;
  readonly firstBadged: boolean;
}

/** One CNode of a CSpace tree: its occupied slots, and the CNodes their CNode caps lead to. */
export interface CNodeInfo {
  /** "cnode@0x400000" */
  readonly id: string;
  /** log2 of its number of slots. */
  readonly radix: number;
  /** The occupied slots in index order; a slot holding a CNode cap has its CNode in `child`. */
  readonly slots: readonly (SlotInfo & { readonly child?: CNodeInfo | { readonly seen: string } })[];
}

/** A slot in a derivation tree, with the caps derived from it. */
export interface DerivationNode {
  readonly slot: SlotInfo;
  readonly children: readonly DerivationNode[];
}

/** "<kind>@0x<address>": the id every view uses for an object. */
export function objectId(o: KObject): string {
  return `${o.kindName}@0x${o.addr.toString(16)}`;
}

function ownerId(owner: CteOwner | null): string {
  if (owner === null) return 'kernel';
  if (owner instanceof CNodeObj || owner instanceof Tcb) return objectId(owner);
  return owner.describe();
}

/** The id of a slot: "cnode@0x400000[12]". */
export function slotId(s: Cte): string {
  return `${ownerId(s.owner)}[${s.index}]`;
}

function letters(rights: number, spec: readonly [number, string][]): string {
  return spec.map(([bit, ch]) => ((rights & bit) !== 0 ? ch : '-')).join('');
}

/** A cap as data (seL4's field names, words in hex). */
export function capInfo(c: Cap): CapInfo {
  const base = { type: capTypeName(c.type), object: c.obj === null ? null : objectId(c.obj) };
  switch (c.type) {
    case CapType.Endpoint:
      return {
        ...base,
        rights: letters(c.rights, [[EP_CAN_SEND, 'W'], [EP_CAN_RECEIVE, 'R'], [EP_CAN_GRANT, 'G'], [EP_CAN_GRANT_REPLY, 'P']]),
        badge: wordToHex(c.badgeLo, c.badgeHi),
      };
    case CapType.Notification:
      return { ...base, rights: letters(c.rights, [[EP_CAN_SEND, 'W'], [EP_CAN_RECEIVE, 'R']]), badge: wordToHex(c.badgeLo, c.badgeHi) };
    case CapType.Reply:
      return { ...base, rights: c.canGrant ? 'G' : '-', master: c.isMaster };
    case CapType.CNode:
      return { ...base, guard: wordToHex(c.guardLo, c.guardHi), guardSize: c.guardSize, radix: c.radix };
    case CapType.Untyped:
      return { ...base, base: `0x${c.untypedBase.toString(16)}`, sizeBits: c.blockSize, freeOffset: c.freeOffset, isDevice: c.isDevice };
    case CapType.Frame:
      // seL4's VM rights: 1 kernel only, 2 read only, 3 read-write
      return { ...base, rights: c.vmRights === 3 ? 'RW' : c.vmRights === 2 ? 'R-' : '--', ...mapping(c) };
    case CapType.PageTable:
      return { ...base, ...mapping(c) };
    case CapType.IrqHandler:
      return { ...base, irq: c.irq };
    case CapType.IOPort:
      return { ...base, ports: [c.firstPort, c.lastPort] };
    default:
      return base;
  }
}

function mapping(c: Cap): { mappedAt?: string; asid?: number } {
  // a VSpace root is "mapped" when it has an ASID (seL4's capPML4IsMapped / capVSIsMapped): it has no address
  if (c.obj instanceof PagingObject && (c.obj.kind === 'pml4' || c.obj.kind === 'vspace')) return c.isMapped ? { asid: c.mappedAsid } : {};
  return c.isMapped || (c.type === CapType.Frame && c.mapType !== 0) ? { mappedAt: `0x${c.mappedVaddr.toString(16)}`, asid: c.mappedAsid } : {};
}

/** A slot as data. */
export function slotInfo(s: Cte): SlotInfo {
  return { id: slotId(s), owner: ownerId(s.owner), index: s.index, cap: capInfo(s.cap), revocable: s.revocable, firstBadged: s.firstBadged };
}

/**
 * The CSpace under a CNode cap's slot (a thread's CSpace root, or the root task's CNode slot) as a
 * tree: each CNode's occupied slots, descending into CNode caps. A CNode reached twice (a CNode
 * holding a cap to itself, as the root task's does) appears once; later slots naming it carry
 * `{ seen: id }`. `maxSlots` bounds the slots listed per CNode (a 2^20-slot CNode is mostly empty
 * anyway; only occupied slots are listed).
 */
export function cspaceTree(root: Cte, maxSlots = 4096): CNodeInfo | null {
  const o = root.cap.obj;
  if (root.cap.type !== CapType.CNode || !(o instanceof CNodeObj)) return null;
  const seen = new Set<CNodeObj>();
  const walk = (cn: CNodeObj): CNodeInfo => {
    seen.add(cn);
    const slots = cn.occupied().slice(0, maxSlots).map((s) => {
      const info = slotInfo(s);
      const child = s.cap.obj;
      if (s.cap.type !== CapType.CNode || !(child instanceof CNodeObj)) return info;
      return { ...info, child: seen.has(child) ? { seen: objectId(child) } : walk(child) };
    });
    return { id: objectId(cn), radix: cn.radix, slots };
  };
  return walk(o);
}

/**
 * The derivation subtree of the cap in `s` (seL4's MDB): the caps derived from it, each with
 * theirs, in MDB order. These are the caps `seL4_CNode_Revoke` on `s` would delete.
 */
export function derivationTree(s: Cte): DerivationNode {
  const top = { slot: slotInfo(s), children: [] as DerivationNode[] };
  const stack: { cte: Cte; node: { children: DerivationNode[] } }[] = [{ cte: s, node: top }];
  for (let d = s.mdbNext; d !== null && isMDBParentOf(s, d); d = d.mdbNext) {
    // the parent of d is the nearest entry before it, still open, that is its MDB parent
    while (stack.length > 1 && !isMDBParentOf(stack[stack.length - 1]!.cte, d)) stack.pop();
    const node = { slot: slotInfo(d), children: [] as DerivationNode[] };
    stack[stack.length - 1]!.node.children.push(node);
    stack.push({ cte: d, node });
  }
  return top;
}

/** The slots `s` derives from, nearest first (its MDB parent, that one's parent, ...). */
export function derivationAncestors(s: Cte): SlotInfo[] {
  const out: SlotInfo[] = [];
  let cur = s;
  for (let p = s.mdbPrev; p !== null; p = p.mdbPrev) {
    if (isMDBParentOf(p, cur)) {
      out.push(slotInfo(p));
      cur = p;
    }
  }
  return out;
}
