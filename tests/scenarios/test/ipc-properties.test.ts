/*
 * Random multi-thread IPC programs (test/programs.ts) run with the invariant checker on after every
 * kernel entry: nothing escapes the kernel, no invariant breaks, the same program gives the same
 * run twice, and what receivers see agrees with what senders sent (badges name the sender; each
 * sender's messages arrive in the order it sent them, at most once; lengths are clamped and
 * truncated as seL4 does).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scenario } from './harness.js';
import { EP_BADGE, LABEL_CALL, LABEL_SEND, type ProgramLog, programArb, programRoot, type ProgramSpec } from './programs.js';

function run(spec: ProgramSpec) {
  const log: ProgramLog = { received: [], lines: [] };
  const s = scenario(programRoot(spec, log), { maxSteps: 20_000 });
  return { s, log };
}

describe('random IPC programs', () => {
  it('keep the kernel consistent and agree with what was sent', () => {
    fc.assert(
      fc.property(programArb, (spec) => {
        const a = run(spec);
        expect(a.s.r.reason).toBe('idle');
        const b = run(spec);
        expect(b.log).toEqual(a.log);
        expect(b.s.r.stats).toEqual(a.s.r.stats);
        const lastSeq = new Map<number, number>();
        for (const r of a.log.received) {
          // a receive that got an endpoint message (not a notification, not nothing)
          if (r.op === 'call' || r.badge < BigInt(EP_BADGE)) continue;
          expect([LABEL_SEND, LABEL_CALL]).toContain(r.label);
          if (r.mr0 >= 0) {
            const sender = Math.floor(r.mr0 / 1000);
            // the badge of an endpoint message names its sender
            expect(r.badge).toBe(BigInt(EP_BADGE + sender));
            const seq = r.mr0 % 1000;
            expect(seq).toBeGreaterThan(lastSeq.get(sender) ?? -1);
            lastSeq.set(sender, seq);
          }
          expect(r.len).toBeLessThanOrEqual(120);
        }
      }),
      { numRuns: 150, seed: 0x5e14 },
    );
  });
});
