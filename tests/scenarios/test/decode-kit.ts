/*
 * Decoding tests run a table of invocations, each built by hand (label, message words, extra caps)
 * the way sel4test's and the reference scenarios' raw invocations are, and compare the kernel's
 * reply — its label as an seL4_Error name and every word it carries — with what seL4 sends.
 * All cases of one table run in one machine, in order, so later cases may rely on earlier ones.
 */
import * as L from '@tsel4/libsel4';
import { createThread, mint } from '@tsel4/sel4utils';
import type { ArchName, BoardName } from '@tsel4/hal';
import { afterAll, expect } from 'vitest';
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
  const tag = yield* L.seL4_DebugCapIdentify(service);
  words.forEach((w, i) => L.seL4_SetMR(i, w));
  caps.forEach((cp, i) => L.seL4_SetCap(i, cp));
  const r = yield* L.seL4_Call(service, info(L.invocationLabel(arch, label), 0, caps.length, words.length));
  const len = L.seL4_MessageInfo_get_length(r);
  const out = [L.seL4_ErrorName(L.seL4_MessageInfo_get_label(r)).replace(/^seL4_/, '')];
  for (let i = 0; i < len; i++) out.push(L.seL4_GetMR_big(i).toString());
  observe(arch, label, tag, out[0]!);
  return out.join(' ');
}

export interface Case {
  readonly name: string;
  readonly run: (k: Kit) => Gen<string>;
  /** The reply: the error's name without "seL4_", then each word. */
  readonly expect: string;
}

/** Run every case in one machine; returns each case's reply by name. */
export function runTable(
  cases: readonly Case[],
  board: BoardName = 'pc99',
  prepare?: (m: Machine) => void,
  ramBytes?: number,
): Map<string, string> {
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
    { board, checkInvariants: true, ...(ramBytes === undefined ? {} : { ramBytes }) },
  );
  prepare?.(m);
  const r = m.run({ maxSteps: 200_000 });
  if (r.reason !== 'idle') throw new Error(`decode table stopped: ${r.reason}`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The errors each method's decoder gave in this file's tables, checked against the interface
// table's list for the method (libsel4's methodErrors(label).decoder) once the file's tests are
// done. An invocation of a method on a cap of another type is that type's decoder's business and is
// not counted. Every error a decoder gave must be listed; and in a method's home file (the table of
// its object type), every listed error must be given by some case, except those named in
// NOT_YET_TESTED: listed errors no decoding case produces yet (the check fails when one of them
// starts to be produced, so the list cannot go stale).

/** The cap type each interface's methods are decoded for, and the file whose tables own them. */
const DECODED_ON: Readonly<Record<string, { cap: string; home: string }>> = {
  seL4_Untyped: { cap: 'untyped_cap', home: 'decode-untyped' },
  seL4_TCB: { cap: 'thread_cap', home: 'decode-tcb' },
  seL4_CNode: { cap: 'cnode_cap', home: 'decode-cnode' },
  seL4_IRQControl: { cap: 'irq_control_cap', home: 'decode-irq-domain' },
  seL4_IRQHandler: { cap: 'irq_handler_cap', home: 'decode-irq-domain' },
  seL4_DomainSet: { cap: 'domain_cap', home: 'decode-irq-domain' },
  seL4_X86_IOPortControl: { cap: 'io_port_control_cap', home: 'decode-ioport' },
  seL4_X86_IOPort: { cap: 'io_port_cap', home: 'decode-ioport' },
  // address-space methods: their decoding tables are in packages/syscalls/test, so here every
  // error they give is only checked to be listed
  seL4_X86_Page: { cap: 'frame_cap', home: '' },
  seL4_X86_PageTable: { cap: 'page_table_cap', home: '' },
  seL4_X86_PageDirectory: { cap: 'page_directory_cap', home: '' },
  seL4_X86_PDPT: { cap: 'pdpt_cap', home: '' },
  seL4_ARM_Page: { cap: 'frame_cap', home: '' },
  seL4_ARM_PageTable: { cap: 'page_table_cap', home: '' },
  seL4_ARM_VSpace: { cap: 'vspace_cap', home: '' },
  seL4_RISCV_Page: { cap: 'frame_cap', home: '' },
  seL4_RISCV_PageTable: { cap: 'page_table_cap', home: '' },
};

/** Errors the table lists for a method that no case of its home file produces yet. */
const NOT_YET_TESTED: Readonly<Record<string, string>> = {};

const observed = new Map<string, { home: string; got: Set<string> }>();

function observe(arch: ArchName, label: string, tag: number, error: string): void {
  const m = L.methodsOf(arch).find((x) => x.label === label);
  const on = m === undefined ? undefined : DECODED_ON[m.iface];
  if (on === undefined || L.CAP_TAGS[arch][on.cap] !== tag || error === 'NoError') return;
  let o = observed.get(label);
  if (o === undefined) observed.set(label, (o = { home: on.home, got: new Set() }));
  o.got.add(error);
}

afterAll(() => {
  const file = (expect.getState().testPath ?? '').replace(/^.*\//, '').replace(/\.test\.ts$/, '');
  const wrong: string[] = [];
  for (const [label, { home, got }] of observed) {
    const listed = new Set(L.methodErrors(label as L.LabelName).decoder.map((e) => e.replace(/^seL4_/, '')));
    for (const e of got) if (!listed.has(e)) wrong.push(`${label} gave ${e}, which the interface table does not list`);
    if (home !== file) continue;
    const untested = new Set((NOT_YET_TESTED[label] ?? '').split(' ').filter(Boolean));
    for (const e of listed) {
      if (!got.has(e) && !untested.has(e)) wrong.push(`${label}: no case gives ${e}, which the interface table lists`);
      if (got.has(e) && untested.has(e)) wrong.push(`${label}: ${e} is tested now; take it out of NOT_YET_TESTED`);
    }
  }
  expect(wrong, 'decoding errors against the interface table').toEqual([]);
});
