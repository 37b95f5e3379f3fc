/*
 * Decoding tests run a table of invocations, each built by hand (label, message words, extra caps)
 * the way sel4test's and the reference scenarios' raw invocations are, and compare the kernel's
 * reply — its label as an seL4_Error name and every word it carries — with what seL4 sends.
 * All cases of one table run in one machine, in order, so later cases may rely on earlier ones.
 */
import * as L from '@tsel4/libsel4';
import { createThread, mint } from '@tsel4/sel4utils';
import type { BoardName } from '@tsel4/hal';
import type { Machine } from '@tsel4/syscalls';
import { type Gen, info, machineFor, type RootCtx } from './harness.js';

export type Word = number | bigint;

/** Objects every table can use (root-CNode cptrs). */
export interface Kit {
  readonly c: RootCtx;
  readonly wb: number;
  readonly ep: number;
  readonly epBadged: number;
  readonly ntfn: number;
  /** A TCB that was never started (Inactive), configured with an IPC buffer. */
  readonly tcb: number;
  readonly frame: number;
  /** An untyped of 2^16 bytes. */
  readonly ut: number;
  /** Always empty. */
  readonly empty: number;
  readonly empty2: number;
  /** A CNode of 16 slots. */
  readonly cnode16: number;
  /** A device untyped from bootinfo. */
  readonly deviceUt: number;
}

/** Invoke `service` with `label` (an interface-table name such as 'CNodeCopy'), words and caps. */
export function* inv(service: Word, label: string, words: readonly Word[], caps: readonly Word[] = []): Gen<string> {
  const arch = L.currentThread().arch.name;
  words.forEach((w, i) => L.seL4_SetMR(i, w));
  caps.forEach((cp, i) => L.seL4_SetCap(i, cp));
  const r = yield* L.seL4_Call(service, info(L.invocationLabel(arch, label), 0, caps.length, words.length));
  const len = L.seL4_MessageInfo_get_length(r);
  const out = [L.seL4_ErrorName(L.seL4_MessageInfo_get_label(r)).replace(/^seL4_/, '')];
  for (let i = 0; i < len; i++) out.push(L.seL4_GetMR_big(i).toString());
  return out.join(' ');
}

export interface Case {
  readonly name: string;
  readonly run: (k: Kit) => Gen<string>;
  /** The reply: the error's name without "seL4_", then each word. */
  readonly expect: string;
}

/** Run every case in one machine; returns each case's reply by name. */
export function runTable(cases: readonly Case[], board: BoardName = 'pc99', prepare?: (m: Machine) => void): Map<string, string> {
  const out = new Map<string, string>();
  const { m } = machineFor(
    function* (c: RootCtx) {
      const wb = L.currentThread().arch.wordBits;
      const ep = yield* c.alloc.allocObject(L.seL4_EndpointObject);
      const t = yield* createThread(c.alloc, { priority: 100, name: 'target' });
      const kit: Kit = {
        c,
        wb,
        ep,
        epBadged: yield* mint(c.alloc, ep, 5),
        ntfn: yield* c.alloc.allocObject(L.seL4_NotificationObject),
        tcb: t.tcb,
        frame: yield* c.alloc.allocFrame(),
        ut: yield* c.alloc.allocObject(L.seL4_UntypedObject, 16),
        empty: c.alloc.allocSlot(),
        empty2: c.alloc.allocSlot(),
        cnode16: yield* c.alloc.allocObject(L.seL4_CapTableObject, 4),
        deviceUt: c.alloc.bootInfo.untyped.start + c.alloc.bootInfo.untypedList.findIndex((d) => d.isDevice),
      };
      for (const k of cases) out.set(k.name, yield* k.run(kit));
    },
    { board, checkInvariants: true },
  );
  prepare?.(m);
  const r = m.run({ maxSteps: 200_000 });
  if (r.reason !== 'idle') throw new Error(`decode table stopped: ${r.reason}`);
  return out;
}
