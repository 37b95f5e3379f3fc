/*
 * src/user/invocations.gen.ts must be what scripts/gen-stubs.ts makes from the interface table
 * today: a change to the table without `npm run gen -w @tsel4/libsel4` fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_FILE, generate } from '../scripts/gen-stubs.js';
import { GENERIC_METHODS } from '../src/interface.js';

describe('generated invocation stubs', () => {
  it('are up to date with the interface table', () => {
    expect(readFileSync(GENERATED_FILE, 'utf8')).toBe(generate());
  });

  it('include a stub for every generic method', () => {
    const text = generate();
    for (const m of GENERIC_METHODS) expect(text).toContain(`${m.iface}_${m.name}(`);
  });
});
