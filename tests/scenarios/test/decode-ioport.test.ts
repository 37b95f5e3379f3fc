/*
 * x86 I/O port invocations (seL4: decodeX86PortControlInvocation, decodeX86PortInvocation):
 * handing out port ranges once, checking accesses against the cap's range, reading an attached
 * device and the all-ones of ports nothing answers, and freeing a range when its last cap goes.
 */
import type { IoPortSize } from '@tsel4/hal';
import * as L from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import { type Case, inv, runTable } from './decode-kit.js';

const CN = L.seL4_CapInitThreadCNode;
const CTL = L.seL4_CapIOPortControl;

/** A device at ports 0x60..0x63 that returns 0xa5a5a5a5 and records what is written to it. */
const written: string[] = [];
const device = {
  in: (port: number, size: IoPortSize) => (0xa5a5a5a5 + port - 0x60) >>> 0 & (size === 4 ? 0xffffffff : (1 << (8 * size)) - 1),
  out: (port: number, size: IoPortSize, value: number) => void written.push(`${port.toString(16)}/${size}=${value.toString(16)}`),
};

let ports = 0;
let copy = 0;

const cases: Case[] = [
  { name: 'a CNode label on IOPortControl', run: (k) => inv(CTL, 'CNodeCopy', [k.empty, 64]), expect: 'IllegalOperation' },
  { name: 'Issue with 3 words', run: (k) => inv(CTL, 'X86IOPortControlIssue', [0x60, 0x6f, k.empty], [CN]), expect: 'TruncatedMessage' },
  { name: 'Issue without the root cap', run: (k) => inv(CTL, 'X86IOPortControlIssue', [0x60, 0x6f, k.empty, 64]), expect: 'TruncatedMessage' },
  { name: 'Issue last < first', run: (k) => inv(CTL, 'X86IOPortControlIssue', [0x6f, 0x60, k.empty, 64], [CN]), expect: 'InvalidArgument 1' },
  // the port numbers are taken modulo 2^16: 0x10060..0x1006f is 0x60..0x6f
  { name: 'Issue into a bad slot', run: () => inv(CTL, 'X86IOPortControlIssue', [0x10060, 0x1006f, 0x10000, 64], [CN]), expect: 'FailedLookup 0 4 64 0 52' },
  { name: 'Issue into an occupied slot', run: (k) => inv(CTL, 'X86IOPortControlIssue', [0x60, 0x6f, k.ep, 64], [CN]), expect: 'DeleteFirst' },
  {
    name: 'Issue 0x60..0x6f',
    run: (k) => {
      ports = k.empty;
      return inv(CTL, 'X86IOPortControlIssue', [0x60, 0x6f, k.empty, 64], [CN]);
    },
    expect: 'NoError',
  },
  { name: 'Issue an overlapping range', run: (k) => inv(CTL, 'X86IOPortControlIssue', [0x6f, 0x70, k.empty2, 64], [CN]), expect: 'RevokeFirst' },
  { name: 'Issue into a slot at depth 0', run: (k) => inv(CTL, 'X86IOPortControlIssue', [0x200, 0x2ff, k.empty2, 0], [CN]), expect: 'RangeError 1 64' },
  { name: 'the new cap', run: function* () { return `type ${yield* L.seL4_DebugCapIdentify(ports)}`; }, expect: `type ${L.CAP_TAGS.x86_64['io_port_cap']}` },
  { name: 'In8 without a port', run: () => inv(ports, 'X86IOPortIn8', []), expect: 'TruncatedMessage' },
  { name: 'In8 below the range', run: () => inv(ports, 'X86IOPortIn8', [0x5f]), expect: 'IllegalOperation' },
  { name: 'In16 running past the range', run: () => inv(ports, 'X86IOPortIn16', [0x6f]), expect: 'IllegalOperation' },
  { name: 'In8 from the device', run: () => inv(ports, 'X86IOPortIn8', [0x60]), expect: `NoError ${0xa5}` },
  { name: 'In32 from the device', run: () => inv(ports, 'X86IOPortIn32', [0x61]), expect: `NoError ${0xa5a5a5a6}` },
  { name: 'In8 from a port nothing answers', run: () => inv(ports, 'X86IOPortIn8', [0x6a]), expect: 'NoError 255' },
  { name: 'In16 from a port nothing answers', run: () => inv(ports, 'X86IOPortIn16', [0x6a]), expect: 'NoError 65535' },
  { name: 'In16 without a port', run: () => inv(ports, 'X86IOPortIn16', []), expect: 'TruncatedMessage' },
  { name: 'Out16 with 1 word', run: () => inv(ports, 'X86IOPortOut16', [0x60]), expect: 'TruncatedMessage' },
  { name: 'Out8 below the range', run: () => inv(ports, 'X86IOPortOut8', [0x5f, 0]), expect: 'IllegalOperation' },
  { name: 'In32 from a port nothing answers', run: () => inv(ports, 'X86IOPortIn32', [0x68]), expect: 'NoError 4294967295' },
  { name: 'Out8 with 1 word', run: () => inv(ports, 'X86IOPortOut8', [0x60]), expect: 'TruncatedMessage' },
  { name: 'Out16 past the range', run: () => inv(ports, 'X86IOPortOut16', [0x6f, 1]), expect: 'IllegalOperation' },
  { name: 'Out8 (the data cut to a byte)', run: () => inv(ports, 'X86IOPortOut8', [0x60, 0x1234]), expect: 'NoError' },
  { name: 'Out32 (the data cut to 32 bits)', run: () => inv(ports, 'X86IOPortOut32', [0x60, 0x1_2345_6789n]), expect: 'NoError' },
  { name: 'a TCB label on an I/O port cap', run: () => inv(ports, 'TCBSuspend', []), expect: 'IllegalOperation' },
  { name: 'copying IOPortControl (derives to null)', run: (k) => inv(CN, 'CNodeCopy', [k.empty2, 64, CTL, 64, 0xf], [CN]), expect: 'IllegalOperation' },
  {
    name: 'copying the I/O port cap',
    run: (k) => {
      copy = k.empty2;
      return inv(CN, 'CNodeCopy', [k.empty2, 64, ports, 64, 0xf], [CN]);
    },
    expect: 'NoError',
  },
  {
    name: 'deleting one of two caps keeps the range allocated; deleting the last frees it',
    run: function* (k) {
      const again = k.c.alloc.allocSlot();
      const out = [];
      out.push(yield* L.seL4_CNode_Delete(CN, ports, 64));
      out.push(yield* inv(CTL, 'X86IOPortControlIssue', [0x60, 0x60, again, 64], [CN]));
      out.push(yield* L.seL4_CNode_Delete(CN, copy, 64));
      out.push(yield* inv(CTL, 'X86IOPortControlIssue', [0x60, 0x60, again, 64], [CN]));
      return out.join(' | ');
    },
    expect: '0 | RevokeFirst | 0 | NoError',
  },
];

describe('I/O port decoding on pc99', () => {
  const got = runTable(cases, 'pc99', (m) => m.board.ioPorts!.attach(0x60, 0x63, device));
  it.each(cases.map((k) => [k.name, k.expect] as const))('%s -> %s', (name, expected) => {
    expect(got.get(name)).toBe(expected);
  });
  it('the device saw the writes, cut to their size', () => {
    expect(written).toEqual(['60/1=34', '60/4=23456789']);
  });
});

describe('boards without I/O ports', () => {
  it('have no IOPortControl cap and no port space', () => {
    const got = runTable([{ name: 'slot 7', run: function* () { return `type ${yield* L.seL4_DebugCapIdentify(CTL)}`; }, expect: 'type 0' }], 'qemu-arm-virt', (m) => {
      expect(m.board.ioPorts).toBeNull();
    });
    expect(got.get('slot 7')).toBe('type 0');
  });
});
