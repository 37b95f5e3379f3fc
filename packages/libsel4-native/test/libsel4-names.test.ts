/*
 * The C headers declare every name libsel4 16.0.0 declares for x86_64 pc99 (libsel4-names.ts):
 * a C program written against the real headers finds each of them here. With a C compiler, a
 * probe that uses every name compiles; without one, each name must appear in the headers' text.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bridgeStatus, INCLUDE_DIR } from '../src/index.js';
import { LIBSEL4_CONSTANTS, LIBSEL4_FUNCTION_MACROS, LIBSEL4_FUNCTIONS, LIBSEL4_TYPES } from './libsel4-names.js';

function headerText(dir: string): string {
  let out = '';
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out += headerText(p);
    else if (p.endsWith('.h')) out += readFileSync(p, 'utf8');
  }
  return out;
}

describe('the C headers declare what libsel4 16.0.0 declares for x86_64', () => {
  const all = [...LIBSEL4_CONSTANTS, ...LIBSEL4_FUNCTION_MACROS, ...LIBSEL4_TYPES, ...LIBSEL4_FUNCTIONS];

  it('lists 559 names, seL4_NumASIDPoolsBits among them', () => {
    expect(all).toHaveLength(559);
    expect(new Set(all).size).toBe(all.length);
    expect(LIBSEL4_CONSTANTS).toContain('seL4_NumASIDPoolsBits');
    expect(LIBSEL4_FUNCTIONS).toContain('seL4_Fault_VMFault_ptr_set_FSR');
  });

  it('names each of them in the headers', () => {
    const text = headerText(INCLUDE_DIR);
    const missing = all.filter((n) => !new RegExp(`\\b${n}\\b`).test(text));
    expect(missing).toEqual([]);
  });

  const status = bridgeStatus();
  it.skipIf(!status.ok)('declares each of them to the C compiler (macro, enum member, type or function)', () => {
    if (!status.ok) return;
    const lines = ['#include <sel4/sel4.h>', ''];
    for (const n of LIBSEL4_FUNCTION_MACROS) lines.push(`#ifndef ${n}`, `#error ${n} is not defined`, '#endif');
    lines.push('void probe(void);', 'void probe(void)', '{');
    for (const n of LIBSEL4_CONSTANTS) lines.push(`#ifndef ${n}`, `    (void)(${n});`, '#endif');
    for (const n of LIBSEL4_TYPES) lines.push(`#ifndef ${n}`, `    { ${n} *p = 0; (void)p; }`, '#endif');
    for (const n of LIBSEL4_FUNCTIONS) lines.push(`#ifndef ${n}`, `    (void)&${n};`, '#endif');
    lines.push('}', '');
    const dir = mkdtempSync(join(tmpdir(), 'tsel4-names-'));
    writeFileSync(join(dir, 'names.c'), lines.join('\n'));
    const r = spawnSync(status.toolchain.cc, ['-std=gnu11', '-Wall', '-Werror', '-I', INCLUDE_DIR, '-c', join(dir, 'names.c'), '-o', join(dir, 'names.o')], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
