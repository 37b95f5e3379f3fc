/*
 * The README's table tells the truth: it is exactly what the inventory renders, every test the
 * inventory calls ported is registered by a test file (once, under its sel4test id) and nothing
 * else is, and no test is skipped or expected to fail, so "passing" (= ported) holds whenever
 * `npm test` is green.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allTests, INVENTORY, README_BEGIN as BEGIN, README_END as END, renderReadmeBlock } from '../src/inventory.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');

function testFiles(): { name: string; text: string }[] {
  return readdirSync(HERE)
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => ({ name: f, text: readFileSync(join(HERE, f), 'utf8') }));
}

/** The sel4test ids the test files register: the first argument of sel4test() and its wrappers. */
function registeredIds(): string[] {
  const ids: string[] = [];
  for (const { text } of testFiles()) {
    for (const m of text.matchAll(/\b(?:sel4test|syscallTest|waitTest)\(\s*'([A-Z][A-Z0-9_]*)'/g)) ids.push(m[1]!);
  }
  return ids;
}

describe('the README table', () => {
  it('is what the inventory renders', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf(BEGIN);
    const end = readme.indexOf(END);
    expect(start, 'the table markers').toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    expect(readme.slice(start + BEGIN.length, end).trim(), 'run `npm run table -w tests/conformance`').toBe(renderReadmeBlock().trim());
  });

  it('lists every sel4test test once', () => {
    const ids = allTests().map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(216);
    for (const a of INVENTORY) for (const t of a.tests) if (t.status !== 'ported') expect(t.note, `${t.id} needs a reason`).toBeTruthy();
  });

  it('calls ported exactly the tests the files register, each once', () => {
    const registered = registeredIds();
    const dups = registered.filter((id, i) => registered.indexOf(id) !== i);
    expect(dups, 'registered twice').toEqual([]);
    const ported = allTests()
      .filter((t) => t.status === 'ported')
      .map((t) => t.id)
      .sort();
    expect([...registered].sort()).toEqual(ported);
  });

  it('has no skipped, focused or expected-to-fail test behind its "passing" column', () => {
    for (const { name, text } of testFiles()) {
      expect(text, name).not.toMatch(/\b(?:it|describe|test)\.(?:skip|only|todo|fails|skipIf|runIf)\b/);
    }
  });
});
