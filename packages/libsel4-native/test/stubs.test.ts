/*
 * The C side of the ABI against the TypeScript side, without a kernel: the bitfield functions of
 * the headers give the words the TypeScript encoders give (property tests), and every generated
 * invocation stub puts its label, length, caps and argument words where messageLayout() says.
 * The C code is compiled into a small library of its own whose "syscall instruction" records the
 * registers and the IPC buffer instead of entering a kernel.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { x86_64 } from '@tsel4/hal';
import * as L from '@tsel4/libsel4';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { bridgeStatus, INCLUDE_DIR } from '../src/index.js';
import { type KoffiLibrary, loadKoffi } from '../src/toolchain.js';

const status = bridgeStatus();
const methods = L.methodsOf('x86_64');
const R = (n: string) => x86_64.registers.indexOf(n);

/** The deterministic argument value the test passes for parameter `p` (index `k`) of a method. */
function argValue(p: L.Param, k: number): bigint {
  const bits = BigInt(L.typeBits(p.type, 64, x86_64.userContext.length));
  if (p.cap) return BigInt(0x40 + k);
  switch (p.type) {
    case 'seL4_Bool':
      return BigInt(k & 1) ^ 1n;
    case 'seL4_CapRights_t':
      return BigInt((k * 5 + 3) & 0xf);
    case 'seL4_X86_VMAttributes':
      return 3n;
    default: {
      const v = 0x0123456789abcdefn ^ (BigInt(k + 1) * 0x1111111111111111n);
      return bits >= 64n ? BigInt.asUintN(64, v) : BigInt.asUintN(Number(bits), v);
    }
  }
}

function cLiteral(p: L.Param, k: number): string {
  const v = argValue(p, k);
  if (p.type === 'seL4_CapRights_t') {
    return `seL4_CapRights_new(${(v >> 3n) & 1n}, ${(v >> 2n) & 1n}, ${(v >> 1n) & 1n}, ${v & 1n})`;
  }
  if (p.type === 'seL4_X86_VMAttributes') return `(seL4_X86_VMAttributes)${v}`;
  if (p.type === 'seL4_UserContext') return '&ctx';
  return `(${p.cap ? p.type : p.type === 'seL4_Time' ? 'seL4_Time' : p.type})0x${v.toString(16)}ull`;
}

function probeSource(): string {
  const out = [
    '#include <sel4/sel4.h>',
    '#include <string.h>',
    'static seL4_IPCBuffer buffer;',
    'seL4_IPCBuffer *__sel4_ipc_buffer = &buffer;',
    'static seL4_Word kregs[tsel4_reg_count];',
    'seL4_Word *tsel4_regs = kregs;',
    '/* what the last syscall saw: the registers, then the buffer */',
    'seL4_Word seen[tsel4_reg_count + 128];',
    'void tsel4_syscall(void) {',
    '  memcpy(seen, kregs, sizeof kregs);',
    '  memcpy(seen + tsel4_reg_count, &buffer, sizeof buffer);',
    '  kregs[tsel4_reg_RSI] = 0; /* reply: label seL4_NoError, length 0 */',
    '}',
    'seL4_Word mi_new(seL4_Word a, seL4_Word b, seL4_Word c, seL4_Word d) { return seL4_MessageInfo_new(a, b, c, d).words[0]; }',
    'seL4_Word mi_label(seL4_Word w) { seL4_MessageInfo_t m = {{w}}; return seL4_MessageInfo_get_label(m); }',
    'seL4_Word mi_set_length(seL4_Word w, seL4_Word v) { seL4_MessageInfo_t m = {{w}}; return seL4_MessageInfo_set_length(m, v).words[0]; }',
    'seL4_Word rights_new(seL4_Word a, seL4_Word b, seL4_Word c, seL4_Word d) { return seL4_CapRights_new(a, b, c, d).words[0]; }',
    'seL4_Word capdata_new(seL4_Word g, seL4_Word s) { return seL4_CNode_CapData_new(g, s).words[0]; }',
    'seL4_Word *seen_words(void) { return seen; }',
  ];
  methods.forEach((m, i) => {
    const args = m.params.map((p, k) => cLiteral(p, k));
    const ctxOut = m.results.some((r) => r.type === 'seL4_UserContext');
    out.push(`void call_${i}(void) {`, '  seL4_UserContext ctx;');
    out.push(...x86_64.userContextNames.map((n, j) => `  ctx.${n} = ${0x1000 + j};`));
    out.push(`  (void)${L.stubName(m)}(${['0x77', ...args, ...(ctxOut ? ['&ctx'] : [])].join(', ')});`, '}');
  });
  return out.join('\n');
}

describe.skipIf(!status.ok)(status.ok ? 'C stubs and bitfields' : `C stubs and bitfields — SKIPPED: ${status.reason}`, () => {
  let lib: KoffiLibrary;
  let seen: BigUint64Array;
  const fn = new Map<string, (...a: unknown[]) => unknown>();

  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'tsel4-stubs-'));
    writeFileSync(join(dir, 'probe.c'), probeSource());
    const so = join(dir, 'probe.so');
    const cc = status.ok ? status.toolchain.cc : 'cc';
    const r = spawnSync(cc, ['-std=gnu11', '-O1', '-fPIC', '-shared', '-Wl,-Bsymbolic', '-I', INCLUDE_DIR, join(dir, 'probe.c'), '-o', so], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(r.stderr);
    const k = loadKoffi();
    if (typeof k === 'string') throw new Error(k);
    lib = k.load(so);
    for (const sig of [
      'uint64_t mi_new(uint64_t, uint64_t, uint64_t, uint64_t)',
      'uint64_t mi_label(uint64_t)',
      'uint64_t mi_set_length(uint64_t, uint64_t)',
      'uint64_t rights_new(uint64_t, uint64_t, uint64_t, uint64_t)',
      'uint64_t capdata_new(uint64_t, uint64_t)',
    ]) {
      fn.set(/ (\w+)\(/.exec(sig)![1]!, lib.func(sig));
    }
    const addr = lib.func('void *seen_words(void)')();
    seen = new BigUint64Array(k.view(addr, (x86_64.registers.length + 128) * 8));
  }, 60_000);

  const bit = fc.constantFrom(0, 1);
  const big = (v: unknown) => BigInt(v as number | bigint);

  it('seL4_MessageInfo_new, _get_label and _set_length match the TypeScript encoding', () => {
    // every field within its width: C's debug asserts (and the TypeScript constructor) reject more
    const field = (bits: number) => fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n });
    fc.assert(
      fc.property(field(52), field(3), field(2), field(7), (label, cu, ec, len) => {
        const c = big(fn.get('mi_new')!(label, cu, ec, len));
        const ts = L.encodeMessageInfo(64, { label: Number(label), capsUnwrapped: Number(cu), extraCaps: Number(ec), length: Number(len) });
        expect(c).toBe(ts);
        expect(big(fn.get('mi_label')!(c))).toBe(label);
        const relen = big(fn.get('mi_set_length')!(c, 5n));
        expect(L.decodeMessageInfo(64, relen).length).toBe(5);
        expect(L.decodeMessageInfo(64, relen).label).toBe(Number(label));
      }),
    );
  });

  it('seL4_CapRights_new and seL4_CNode_CapData_new match the TypeScript encodings', () => {
    fc.assert(
      fc.property(bit, bit, bit, bit, fc.bigInt({ min: 0n, max: (1n << 58n) - 1n }), fc.nat(63), (gr, g, r, w, guard, size) => {
        expect(Number(big(fn.get('rights_new')!(gr, g, r, w)))).toBe(L.seL4_CapRights_new(gr, g, r, w));
        expect(big(fn.get('capdata_new')!(guard, size))).toBe(L.cnodeCapDataWord(64, guard, size));
      }),
    );
  });

  it.each(methods.map((m, i) => [L.stubName(m), m, i] as const))('%s packs its message as messageLayout says', (_name, m, i) => {
    lib.func(`void call_${i}(void)`)();
    const nregs = x86_64.registers.length;
    const reg = (n: string) => seen[R(n)]!;
    const buf = (w: number) => seen[nregs + w]!;
    const layout = L.messageLayout(m, 64, x86_64.userContext.length);
    // the expected words: each value at its register and shift
    const words = new Array<bigint>(layout.inputWords).fill(0n);
    for (const v of layout.values) {
      const k = m.params.indexOf(v.param);
      if (v.param.type === 'seL4_UserContext') {
        x86_64.userContextNames.forEach((_n, j) => (words[v.mr + j] = BigInt(0x1000 + j)));
      } else {
        words[v.mr] = words[v.mr]! | (argValue(v.param, k) << BigInt(v.shift));
      }
    }
    expect(BigInt.asIntN(64, reg('RDX'))).toBe(BigInt(L.seL4_SysCall));
    expect(reg('RDI')).toBe(0x77n);
    expect(L.decodeMessageInfo(64, reg('RSI'))).toEqual({
      label: m.labelNumber,
      capsUnwrapped: 0,
      extraCaps: layout.caps.length,
      length: layout.inputWords,
    });
    const mrRegs = ['R10', 'R8', 'R9', 'R15'];
    words.forEach((w, j) => expect(j < 4 ? reg(mrRegs[j]!) : buf(L.IPCBUF_MSG + j), `word ${j}`).toBe(w));
    layout.caps.forEach((c, j) => expect(buf(L.IPCBUF_CAPS_OR_BADGES + j)).toBe(argValue(c, m.params.indexOf(c))));
  });
});
