/*
 * A cap's generic fields (lo, hi, rights, a, b, c: see the table atop packages/object/src/cap.ts)
 * are written only in cap.ts: everything else builds caps with the constructors named after
 * seL4's cap_*_cap_new and changes them with the updaters named after its cap_*_cap_set_*
 * (frameCapSetMappedAddress, cnodeCapSetGuard, ...), and reads them through the named getters.
 * This test fails if a file outside cap.ts makes a Cap from generic fields (`new Cap(`), uses a
 * generic copy-with-fields, or reads a generic field of a cap (`cap.b`); the object package's
 * snapshot (inspect.ts) is the one reader of the raw fields, to print them. Faults likewise are
 * made only by the seL4_Fault_*_new-named constructors of packages/object/src/tcb.ts (capFault,
 * vmFault, ...) and read through named getters; their generic slots are private.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const HOME = 'packages/object/src/cap.ts';
const FAULT_HOME = 'packages/object/src/tcb.ts';
const RAW_READER = 'packages/object/src/inspect.ts';

const WRITES: readonly [RegExp, string][] = [
  [/\bnew Cap\s*\(/g, 'a Cap made from generic fields'],
  [/\.with\(\s*\{[^}]*\b(lo|hi|rights|a|b|c)\s*:/g, 'a copy with generic fields'],
  [/\bwithFields\s*\(/g, 'the generic copy of cap.ts'],
];
const READS: readonly [RegExp, string][] = [[/\b\w*[cC]ap\)?\.(a|b|c|lo|hi)\b/g, 'a generic field read']];

/** Generic cap-field accesses in `text` (`reads` too unless it is the snapshot's file). */
export function genericCapAccesses(text: string, reads = true): string[] {
  const found: string[] = [];
  for (const [re, what] of reads ? [...WRITES, ...READS] : WRITES) for (const m of text.matchAll(re)) found.push(`${what}: ${m[0]}`);
  return found;
}

function sources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    if (e === 'node_modules' || e === 'dist' || e === 'fixtures' || e.startsWith('.')) continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (/\.ts$/.test(e) && !e.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

describe('cap fields', () => {
  it('are written only in cap.ts, and read raw only by the snapshot', () => {
    const bad: string[] = [];
    for (const group of ['packages', 'apps', 'tests', 'bench']) {
      for (const f of sources(join(ROOT, group))) {
        const rel = relative(ROOT, f);
        if (rel === HOME || rel === 'tests/layering/test/capfields.test.ts') continue;
        const text = readFileSync(f, 'utf8');
        for (const hit of genericCapAccesses(text, rel !== RAW_READER)) bad.push(`${rel}: ${hit}`);
        if (rel !== FAULT_HOME) for (const m of text.matchAll(/\bnew Fault\s*\(/g)) bad.push(`${rel}: a Fault made from generic slots: ${m[0]}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('the check catches the old forms', () => {
    expect(genericCapAccesses('const newCap = cap.with({ lo: vaddr, a: asid, b: 1 });')).toHaveLength(1);
    expect(genericCapAccesses('return cap.type === CapType.PageTable && cap.b !== 0;')).toHaveLength(1);
    expect(genericCapAccesses('slot.cap = new Cap(CapType.Frame, f, 0, 0, 3);')).toHaveLength(1);
    expect(genericCapAccesses('const n = frameCapSetMappedAddress(cap, v); if (cap.isMapped) {}')).toEqual([]);
  });
});
