/*
 * Capabilities.
 *
 * seL4 stores a cap as two words whose fields depend on its type (structures.bf). tsel4 stores
 * it as one immutable object of a single class whatever its type, so every access site stays
 * monomorphic; named getters give each type's fields their seL4 names. A cap refers to its object
 * directly (copying a cap never copies the object), and because caps are immutable, slots that
 * hold copies share one Cap. Changing a field (an untyped's free index, a frame's mapping) puts a
 * new Cap in the slot, as seL4 writes a new cap word.
 *
 * Field use by type (the generic fields are `lo`, `hi`, `rights`, `a`, `b`, `c`):
 *
 *   type          obj            lo/hi          rights        a             b            c
 *   Untyped       -              base address   -             blockSize     freeOffset   isDevice
 *   Endpoint      Endpoint       badge          W R G GR      -             -            -
 *   Notification  Notification   badge          W R           -             -            -
 *   Reply         Tcb (caller)   -              G             master        -            -
 *   CNode         CNodeObj       guard          -             radix         guardSize    -
 *   Thread        Tcb            -              -             -             -            -
 *   IrqHandler    -              -              -             irq           -            -
 *   Zombie        CNodeObj|Tcb   -              -             number        zombieType   -
 *   Frame         Frame          mapped vaddr*  VM rights     mapped ASID   map type     -
 *   PageTable     PagingObject   mapped vaddr*  -             mapped ASID   isMapped     -
 *   ASIDPool      AsidPool       -              -             ASID base     -            -
 *   IOPort        -              -              -             first port    last port    -
 *   SGISignal     -              -              -             SGI irq       target       -
 *   Null, IrqControl, Domain, ASIDControl, IOPortControl: no fields.
 *
 * Fields are read through the named getters and changed through the updaters at the end of this
 * file, named after seL4's cap_*_cap_set_* accessors of structures.bf (frameCapSetMappedAddress
 * for cap_frame_cap_set_capFMappedAddress); no other file touches the generic fields.
 *
 * (*) A mapped address is kept whole in `lo` as a number (user addresses are below 2^48, exact
 * as a double); `hi` stays 0. A VSpace root's "mapped" flag means it has an ASID (seL4's
 * capPML4IsMapped / capVSIsMapped). The map type of a frame is 1 (seL4's X86_MappingVSpace) while
 * it is mapped, 0 otherwise.
 */

import type { KObject } from './kobject.js';

/** Capability types (tsel4's numbering; seL4's tags per arch come from debugCapTag). */
export const CapType = {
  Null: 0,
  Untyped: 1,
  Endpoint: 2,
  Notification: 3,
  Reply: 4,
  CNode: 5,
  Thread: 6,
  IrqControl: 7,
  IrqHandler: 8,
  Zombie: 9,
  Domain: 10,
  Frame: 11,
  PageTable: 12,
  ASIDControl: 13,
  ASIDPool: 14,
  IOPortControl: 15,
  IOPort: 16,
  SGISignal: 17,
} as const;
export type CapType = (typeof CapType)[keyof typeof CapType];

const CAP_TYPE_NAMES = [
  'null_cap', 'untyped_cap', 'endpoint_cap', 'notification_cap', 'reply_cap', 'cnode_cap',
  'thread_cap', 'irq_control_cap', 'irq_handler_cap', 'zombie_cap', 'domain_cap', 'frame_cap',
  'page_table_cap', 'asid_control_cap', 'asid_pool_cap', 'io_port_control_cap', 'io_port_cap',
  'sgi_signal_cap',
] as const;

/** seL4's name for a cap type ("endpoint_cap"). */
export function capTypeName(t: CapType): string {
  return CAP_TYPE_NAMES[t];
}

/** Endpoint rights bits as seL4 keeps them in the cap (same order as seL4_CapRights). */
export const EP_CAN_SEND = 1;
export const EP_CAN_RECEIVE = 2;
export const EP_CAN_GRANT = 4;
export const EP_CAN_GRANT_REPLY = 8;
/** Zombie type of a TCB (seL4's ZombieType_ZombieTCB); CNode zombies store their radix. */
export const ZOMBIE_TCB = -1;
/** A frame or page table cap that is not mapped has this ASID. */
export const ASID_INVALID = -1;

/** VM rights of a frame (seL4's vm_rights_t on every arch tsel4 has). */
export const VMKernelOnly = 1;
export const VMReadOnly = 2;
export const VMReadWrite = 3;

export class Cap {
  constructor(
    readonly type: CapType,
    readonly obj: KObject | null = null,
    readonly lo: number = 0,
    readonly hi: number = 0,
    readonly rights: number = 0,
    readonly a: number = 0,
    readonly b: number = 0,
    readonly c: number = 0,
  ) {}

  // --- endpoint / notification
  get badgeLo(): number {
    return this.lo;
  }
  get badgeHi(): number {
    return this.hi;
  }
  /** True when the endpoint/notification cap has a non-zero badge. */
  get isBadged(): boolean {
    return this.lo !== 0 || this.hi !== 0;
  }
  get canSend(): boolean {
    return (this.rights & EP_CAN_SEND) !== 0;
  }
  get canReceive(): boolean {
    return (this.rights & EP_CAN_RECEIVE) !== 0;
  }
  get canGrant(): boolean {
    return (this.rights & EP_CAN_GRANT) !== 0;
  }
  get canGrantReply(): boolean {
    return (this.rights & EP_CAN_GRANT_REPLY) !== 0;
  }

  // --- cnode
  get guardLo(): number {
    return this.lo;
  }
  get guardHi(): number {
    return this.hi;
  }
  get radix(): number {
    return this.a;
  }
  get guardSize(): number {
    return this.b;
  }

  // --- untyped
  /** Physical address of the untyped region. */
  get untypedBase(): number {
    return this.lo;
  }
  get blockSize(): number {
    return this.a;
  }
  /** Bytes of the region already allocated (seL4 keeps this in 16-byte units as capFreeIndex). */
  get freeOffset(): number {
    return this.b;
  }
  get isDevice(): boolean {
    return this.c !== 0;
  }

  // --- reply
  get isMaster(): boolean {
    return this.a !== 0;
  }

  // --- irq handler
  get irq(): number {
    return this.a;
  }

  // --- zombie
  get zombieNumber(): number {
    return this.a;
  }
  get zombieType(): number {
    return this.b;
  }

  // --- frame / page table / asid pool / io port
  get mappedVaddr(): number {
    return this.lo;
  }
  get mappedAsid(): number {
    return this.a;
  }
  get vmRights(): number {
    return this.rights;
  }
  get mapType(): number {
    return this.b;
  }
  get isMapped(): boolean {
    return this.b !== 0;
  }
  get asidBase(): number {
    return this.a;
  }
  get firstPort(): number {
    return this.a;
  }
  get lastPort(): number {
    return this.b;
  }

  // --- SGI signal (ARM, GIC)
  get sgiIrq(): number {
    return this.a;
  }
  get sgiTarget(): number {
    return this.b;
  }
}

/**
 * A copy of `cap` with some generic fields replaced: the one generic write, private to this file.
 * Everything else changes a cap through the named updaters below (tests/layering checks this).
 */
function withFields(cap: Cap, f: { lo?: number; hi?: number; rights?: number; a?: number; b?: number; c?: number }): Cap {
  return new Cap(cap.type, cap.obj, f.lo ?? cap.lo, f.hi ?? cap.hi, f.rights ?? cap.rights, f.a ?? cap.a, f.b ?? cap.b, f.c ?? cap.c);
}

/** The null cap (shared: caps are immutable). */
export const NULL_CAP = new Cap(CapType.Null);
export const IRQ_CONTROL_CAP = new Cap(CapType.IrqControl);
export const DOMAIN_CAP = new Cap(CapType.Domain);
export const ASID_CONTROL_CAP = new Cap(CapType.ASIDControl);
export const IO_PORT_CONTROL_CAP = new Cap(CapType.IOPortControl);

// --- constructors named after seL4's cap_*_cap_new

export function untypedCap(base: number, blockSize: number, freeOffset: number, isDevice: boolean): Cap {
  return new Cap(CapType.Untyped, null, base, 0, 0, blockSize, freeOffset, isDevice ? 1 : 0);
}

export function endpointCap(ep: KObject, badgeLo: number, badgeHi: number, rights: number): Cap {
  return new Cap(CapType.Endpoint, ep, badgeLo, badgeHi, rights);
}

export function notificationCap(ntfn: KObject, badgeLo: number, badgeHi: number, rights: number): Cap {
  return new Cap(CapType.Notification, ntfn, badgeLo, badgeHi, rights & (EP_CAN_SEND | EP_CAN_RECEIVE));
}

export function replyCap(tcb: KObject, master: boolean, canGrant: boolean): Cap {
  return new Cap(CapType.Reply, tcb, 0, 0, canGrant ? EP_CAN_GRANT : 0, master ? 1 : 0);
}

export function cnodeCap(cnode: KObject, radix: number, guardSize: number, guardLo: number, guardHi: number): Cap {
  return new Cap(CapType.CNode, cnode, guardLo, guardHi, 0, radix, guardSize);
}

export function threadCap(tcb: KObject): Cap {
  return new Cap(CapType.Thread, tcb);
}

export function irqHandlerCap(irq: number): Cap {
  return new Cap(CapType.IrqHandler, null, 0, 0, 0, irq);
}

export function zombieCap(target: KObject, number: number, zombieType: number): Cap {
  return new Cap(CapType.Zombie, target, 0, 0, 0, number, zombieType);
}

export function frameCap(frame: KObject, vmRights: number): Cap {
  return new Cap(CapType.Frame, frame, 0, 0, vmRights, ASID_INVALID, 0);
}

export function pageTableCap(table: KObject): Cap {
  return new Cap(CapType.PageTable, table, 0, 0, 0, ASID_INVALID, 0);
}

export function asidPoolCap(pool: KObject, asidBase: number): Cap {
  return new Cap(CapType.ASIDPool, pool, 0, 0, 0, asidBase);
}

export function ioPortCap(first: number, last: number): Cap {
  return new Cap(CapType.IOPort, null, 0, 0, 0, first, last);
}

// --- field updaters named after seL4's cap_*_cap_set_* (each returns a new cap: caps are immutable)

/** cap_endpoint_cap_set_capEPBadge (the badge as halves). */
export function endpointCapSetBadge(cap: Cap, badgeLo: number, badgeHi: number): Cap {
  return withFields(cap, { lo: badgeLo, hi: badgeHi });
}

/** cap_notification_cap_set_capNtfnBadge. */
export function notificationCapSetBadge(cap: Cap, badgeLo: number, badgeHi: number): Cap {
  return withFields(cap, { lo: badgeLo, hi: badgeHi });
}

/** cap_endpoint_cap_set_capCanSend/Receive/Grant/GrantReply together (EP_CAN_* bits). */
export function endpointCapSetRights(cap: Cap, rights: number): Cap {
  return withFields(cap, { rights });
}

/** cap_notification_cap_set_capNtfnCanSend/Receive together. */
export function notificationCapSetRights(cap: Cap, rights: number): Cap {
  return withFields(cap, { rights });
}

/** cap_reply_cap_set_capReplyCanGrant. */
export function replyCapSetCanGrant(cap: Cap, canGrant: boolean): Cap {
  return withFields(cap, { rights: canGrant ? EP_CAN_GRANT : 0 });
}

/** cap_cnode_cap_set_capCNodeGuard (the guard as halves). */
export function cnodeCapSetGuard(cap: Cap, guardLo: number, guardHi: number): Cap {
  return withFields(cap, { lo: guardLo, hi: guardHi });
}

/** cap_cnode_cap_set_capCNodeGuardSize. */
export function cnodeCapSetGuardSize(cap: Cap, guardSize: number): Cap {
  return withFields(cap, { b: guardSize });
}

/** cap_frame_cap_set_capFVMRights. */
export function frameCapSetVMRights(cap: Cap, vmRights: number): Cap {
  return withFields(cap, { rights: vmRights });
}

/** cap_frame_cap_set_capFMappedAddress. */
export function frameCapSetMappedAddress(cap: Cap, vaddr: number): Cap {
  return withFields(cap, { lo: vaddr, hi: 0 });
}

/** cap_frame_cap_set_capFMappedASID (ASID_INVALID when unmapped). */
export function frameCapSetMappedASID(cap: Cap, asid: number): Cap {
  return withFields(cap, { a: asid });
}

/** cap_frame_cap_set_capFMapType: FRAME_MAPPED_VSPACE while mapped, 0 otherwise. */
export function frameCapSetMapType(cap: Cap, mapType: number): Cap {
  return withFields(cap, { b: mapType });
}

/** A frame's map type while it is mapped in a VSpace (seL4's X86_MappingVSpace). */
export const FRAME_MAPPED_VSPACE = 1;

/** cap_page_table_cap_set_capPTMappedAddress (also a VSpace root's and a PD's, PDPT's). */
export function pageTableCapSetMappedAddress(cap: Cap, vaddr: number): Cap {
  return withFields(cap, { lo: vaddr, hi: 0 });
}

/** cap_page_table_cap_set_capPTMappedASID. */
export function pageTableCapSetMappedASID(cap: Cap, asid: number): Cap {
  return withFields(cap, { a: asid });
}

/** cap_page_table_cap_set_capPTIsMapped (capPML4IsMapped, capVSIsMapped, capIOPTIsMapped). */
export function pageTableCapSetIsMapped(cap: Cap, isMapped: boolean): Cap {
  return withFields(cap, { b: isMapped ? 1 : 0 });
}

/** A frame cap mapped at `vaddr` under `asid` (the three frame updaters seL4's map paths apply). */
export function frameCapMapped(cap: Cap, asid: number, vaddr: number): Cap {
  return frameCapSetMapType(frameCapSetMappedAddress(frameCapSetMappedASID(cap, asid), vaddr), FRAME_MAPPED_VSPACE);
}

/** A frame cap with no mapping (what deriveCap and Page_Unmap leave). */
export function frameCapUnmapped(cap: Cap): Cap {
  return frameCapSetMapType(frameCapSetMappedAddress(frameCapSetMappedASID(cap, ASID_INVALID), 0), 0);
}

/** A paging-structure cap mapped at `vaddr` under `asid`. */
export function pageTableCapMapped(cap: Cap, asid: number, vaddr: number): Cap {
  return pageTableCapSetIsMapped(pageTableCapSetMappedAddress(pageTableCapSetMappedASID(cap, asid), vaddr), true);
}

/** A paging-structure cap with no mapping (ASID_INVALID, address 0, not mapped). */
export function pageTableCapUnmapped(cap: Cap): Cap {
  return pageTableCapSetIsMapped(pageTableCapSetMappedAddress(pageTableCapSetMappedASID(cap, ASID_INVALID), 0), false);
}

/** seL4's cap_sgi_signal_cap_new (ARM): raise SGI `irq` on core `target` when invoked. */
export function sgiSignalCap(target: number, irq: number): Cap {
  return new Cap(CapType.SGISignal, null, 0, 0, 0, irq, target);
}
