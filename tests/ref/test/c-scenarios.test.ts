/*
 * The reference scenarios' C sources (c/, the reference C sources, unchanged) run on tsel4
 * through the native bridge, with tsel4's implementation of their helper API (refsel4), and must
 * print what the real seL4 16.0.0 kernel printed (expected/), line for line, with only the
 * build-dependent numbers masked (src/normalise.ts). A difference is a bug in tsel4.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bridgeStatus } from '@tsel4/libsel4-native';
import { describe, expect, it } from 'vitest';
import { runC } from '../src/crun.js';
import { normalise } from '../src/normalise.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const C_DIR = join(HERE, '../c');
const scenarios = readdirSync(C_DIR).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2)).sort();
const status = bridgeStatus();

describe('every C scenario has the real kernel\'s output beside it', () => {
  it.each(scenarios)('%s', (name) => {
    expect(readdirSync(join(HERE, '../expected'))).toContain(`${name}.expected.txt`);
  });
});

describe.skipIf(!status.ok)(
  status.ok ? 'reference scenarios in C, unchanged, match the real kernel' : `reference scenarios in C — SKIPPED: ${status.reason}`,
  () => {
    it.each(scenarios)('%s', (name) => {
      const { result } = runC([join(C_DIR, `${name}.c`)], { checkInvariants: true, maxSteps: 200_000 });
      expect(result.reason).toBe('idle');
      const want = normalise(readFileSync(join(HERE, '../expected', `${name}.expected.txt`), 'utf8'));
      expect(normalise(result.console)).toEqual(want);
    });
  },
);
