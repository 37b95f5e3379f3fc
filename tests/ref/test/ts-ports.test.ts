/*
 * The reference scenarios, re-expressed in TypeScript (src/), must print what the real seL4
 * 16.0.0 kernel printed for the C originals (expected/), line for line. Only the numbers the
 * scenarios' README names as build-dependent are masked: slot numbers, the empty-slot range, the
 * untyped count, and the message info read back after an NBRecv/Poll that wrote only the badge.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ThreadFunction } from '@tsel4/libsel4';
import { runMachine } from '@tsel4/syscalls';
import { describe, expect, it } from 'vitest';
import { ipcMisc } from '../src/ipc_misc.js';
import { normalise } from '../src/normalise.js';
import { pingpong } from '../src/pingpong.js';

const HERE = dirname(fileURLToPath(import.meta.url));

function expected(name: string): string[] {
  return normalise(readFileSync(join(HERE, '../expected', `${name}.expected.txt`), 'utf8'));
}

describe('reference scenarios in TypeScript match the real kernel', () => {
  it.each([
    ['pingpong', pingpong],
    ['ipc_misc', ipcMisc],
  ] as const)('%s', (name, root) => {
    const r = runMachine(root as ThreadFunction, { checkInvariants: true, maxSteps: 200_000 });
    expect(r.reason).toBe('idle');
    expect(normalise(r.console)).toEqual(expected(name));
  });

  it('the masking keeps the values that must match', () => {
    const lines = expected('pingpong');
    expect(lines).toContain('root: fault addr(cptr)=65536 inRecvPhase=0 lookupFailureType=4 bitsLeft=64 mr5=0 mr6=52');
    expect(normalise('worker: NBRecv with no sender -> label=0 len=57 extraCaps=1 capsUnwrapped=0x0 badge=0x0')).toEqual([
      'worker: NBRecv with no sender -> INFO badge=0x0',
    ]);
  });
});
