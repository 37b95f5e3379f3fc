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

  /** A copy of this cap with some generic fields replaced. */
  with(f: { lo?: number; hi?: number; rights?: number; a?: number; b?: number; c?: number }): Cap {
    return new Cap(
      this.type,
      this.obj,
      f.lo ?? this.lo,
      f.hi ?? this.hi,
      f.rights ?? this.rights,
      f.a ?? this.a,
      f.b ?? this.b,
      f.c ?? this.c,
    );
  }
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

/** seL4's cap_sgi_signal_cap_new (ARM): raise SGI `irq` on core `target` when invoked. */
export function sgiSignalCap(target: number, irq: number): Cap {
  return new Cap(CapType.SGISignal, null, 0, 0, 0, irq, target);
}
