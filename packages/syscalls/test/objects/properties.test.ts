// Property tests (fast-check): random sequences of CNode and Untyped operations keep the
// derivation tree well formed, never overlap live objects, and reuse an untyped from its start
// only when every child is gone.
import { seL4_CapTableObject, seL4_EndpointObject, seL4_NotificationObject, seL4_TCBObject, seL4_UntypedObject, smallPageObject } from '@tsel4/libsel4';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CapType, checkMdb, ensureNoChildren, reachableSlots, SyscallError } from '@tsel4/object';
import { UT_SLOT, world } from './fixture.js';
import { copy, del, retype, revoke, rotate } from './helpers.js';

const SLOTS = fc.integer({ min: 15, max: 40 });
const TYPES = [seL4_UntypedObject, seL4_TCBObject, seL4_EndpointObject, seL4_NotificationObject, seL4_CapTableObject, smallPageObject('x86_64')];

const op = fc.oneof(
  fc.record({ k: fc.constant('retype' as const), type: fc.constantFrom(...TYPES), size: fc.integer({ min: 0, max: 14 }), dest: SLOTS, n: fc.integer({ min: 1, max: 3 }), ut: fc.constantFrom(UT_SLOT, 20, 21) }),
  fc.record({ k: fc.constantFrom('Copy' as const, 'Mint' as const, 'Move' as const, 'Mutate' as const), dest: SLOTS, src: SLOTS, rights: fc.integer({ min: 0, max: 15 }), badge: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ k: fc.constant('rotate' as const), dest: SLOTS, pivot: SLOTS, src: SLOTS }),
  fc.record({ k: fc.constantFrom('delete' as const, 'revoke' as const), slot: SLOTS }),
);

describe('derivation tree properties', () => {
  it('stays well formed under random CNode and Untyped operations', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 60 }), (ops) => {
        const w = world('pc99', { untypedBits: 18 });
        for (const o of ops) {
          let r: unknown;
          switch (o.k) {
            case 'retype': {
              const ut = w.slot(o.ut);
              const before = ut.cap;
              const hadChildren = before.type === CapType.Untyped && ensureNoChildren(ut) !== null;
              r = retype(w, o.type, o.type === seL4_UntypedObject ? o.size + 4 : o.type === seL4_CapTableObject ? (o.size % 6) + 1 : 0, o.dest, o.n, o.ut);
              if (r === null) {
                const first = w.slot(o.dest).cap;
                const firstAddr = first.type === CapType.Untyped ? first.untypedBase : first.obj!.addr;
                if (hadChildren) {
                  expect(firstAddr).toBeGreaterThanOrEqual(before.untypedBase + before.freeOffset);
                } else {
                  // reused from its start (the base is aligned for anything that fits)
                  expect(firstAddr).toBe(before.untypedBase);
                }
              }
              break;
            }
            case 'Copy':
            case 'Mint':
            case 'Move':
            case 'Mutate':
              r = copy(w, o.k, o.dest, o.src, o.rights, o.badge);
              break;
            case 'rotate':
              r = rotate(w, o.dest, o.pivot, o.src);
              break;
            case 'delete':
              r = del(w, o.slot);
              break;
            case 'revoke':
              r = revoke(w, o.slot);
              break;
          }
          expect(r === null || r instanceof SyscallError).toBe(true);
          const problems = checkMdb(reachableSlots([w.slot(2), w.slot(UT_SLOT)]));
          if (problems.length) throw new Error(`after ${JSON.stringify(o)}: ${problems.join('; ')}`);
        }
      }),
      { numRuns: 300 },
    );
  });
});
