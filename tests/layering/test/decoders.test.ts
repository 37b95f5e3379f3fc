/*
 * Decoders name invocation labels through the interface table's typed label objects
 * (GenericLabel.CNodeCopy, X86_64Label.X86PageMap, ...), so a misspelt label is a compile error.
 * This test fails if a decoder looks a label up by a string instead: an index by a string or
 * template literal into a label record, or a call of the by-name lookup invocationLabel.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DECODE = join(ROOT, 'packages/syscalls/src/decode');

/** Label lookups by string, each with what it catches. */
const BY_STRING: readonly [RegExp, string][] = [
  [/\b\w+\[\s*['"`][A-Z][A-Za-z0-9_]*(?:\$\{[^}]*\})?[A-Za-z0-9_]*['"`]\s*\]!?/g, 'a label record indexed by a string'],
  [/\binvocationLabel\s*\(/g, 'invocationLabel (lookup by name)'],
  [/\binv\.L\b/g, 'the removed per-arch label record'],
];

/** Every string-keyed label lookup in `text`. */
export function labelLookupsByString(text: string): string[] {
  const found: string[] = [];
  for (const [re, what] of BY_STRING) for (const m of text.matchAll(re)) found.push(`${what}: ${m[0]}`);
  return found;
}

describe('decoders', () => {
  it('never look an invocation label up by a string', () => {
    const bad: string[] = [];
    for (const f of readdirSync(DECODE).filter((x) => x.endsWith('.ts'))) {
      for (const hit of labelLookupsByString(readFileSync(join(DECODE, f), 'utf8'))) bad.push(`${f}: ${hit}`);
    }
    expect(bad).toEqual([]);
  });

  it('the check catches the old forms', () => {
    expect(labelLookupsByString("if (label === L['CNodeCopy']!) {}")).toHaveLength(1);
    expect(labelLookupsByString('const op = CACHE_OPS.find((o) => inv.label === L[`ARMVSpace${o}`]);')).toHaveLength(1);
    expect(labelLookupsByString("invocationLabel(arch, 'CNodeMint')")).toHaveLength(1);
    expect(labelLookupsByString('if (inv.label === L.CNodeCopy) {}')).toEqual([]);
  });
});
