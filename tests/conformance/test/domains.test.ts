/*
 * sel4test domains.cxx: the domain schedule (ScheduleConfigure / ScheduleSetStart errors and a
 * schedule of four domains of 10, 4, 3 and 2 ticks), DomainSet_Set on ourselves, and threads
 * running in their domains (and one moved between domains) while they busy-wait on the user
 * timer. DOMAINS0000, 9999, 0004 and 0005 need more than one domain: they run on a kernel built
 * with four (CONFIG_NUM_DOMAINS 4); DOMAINS0001-0003 run on the default single domain.
 *
 * sel4test runs DOMAINS0000 first in the same boot, so the schedule it configures is what 0004
 * and 0005 run under; with a fresh machine per test, those two configure it first themselves.
 */
import * as L from '@tsel4/libsel4';
import { describe } from 'vitest';
import { type Env, FAILURE, type Gen, SUCCESS } from '../src/env.js';
import { cleanupHelper, createHelperThread, type Helper, setHelperPriority, startHelper, waitForHelper } from '../src/helpers.js';
import { sel4test } from '../src/define.js';
import { sel4testSleep, sleepBusy } from '../src/timer.js';

const NUM_DOMAINS = 4;
/** CONFIG_NUM_DOMAIN_SCHEDULES: config.cmake's default with more than one domain. */
const NUM_DOMAIN_SCHEDULES = 100;
/** Non-MCS durations are in scheduler ticks. */
const DURATION = 1;
const D0 = DURATION * 10;
const D1 = DURATION * 4;
const D2 = DURATION * 3;
const D3 = DURATION * 2;
/** The new schedule goes at the end. */
const OFF = NUM_DOMAIN_SCHEDULES - NUM_DOMAINS - 1;
const MAX_DURATION = 0x00ffffffffffffn;
const POLL_DELAY_NS = 4_000_000;
const MULTI_DOMAIN = { kernel: { numDomains: NUM_DOMAINS } };

/** configure_domain_schedules. */
function* configureDomainSchedules(env: Env): Gen<number> {
  const duration = [D0, D1, D2];
  // ScheduleSetStart
  env.assert((yield* L.seL4_DomainSet_ScheduleSetStart(env.domain, 0)) === L.seL4_NoError, 'SetStart(0)');
  env.assert((yield* L.seL4_DomainSet_ScheduleSetStart(env.domain, -1)) === L.seL4_RangeError, 'SetStart(-1)');
  env.assert((yield* L.seL4_DomainSet_ScheduleSetStart(env.domain, NUM_DOMAIN_SCHEDULES)) === L.seL4_RangeError, 'SetStart(past the end)');
  // the starting entry must not be an end marker
  env.assert((yield* L.seL4_DomainSet_ScheduleSetStart(env.domain, 1)) === L.seL4_InvalidArgument, 'SetStart(an end marker)');
  // at least one schedule entry per domain
  env.assert(NUM_DOMAINS < NUM_DOMAIN_SCHEDULES, 'room for the schedule');
  // ScheduleConfigure
  const configure = (index: L.seL4_Word, domain: number, d: L.seL4_Word) => L.seL4_DomainSet_ScheduleConfigure(env.domain, index, domain, d);
  env.assert((yield* configure(-1, 0, D0)) === L.seL4_RangeError, 'Configure(index -1)');
  // the last index is the reserved end marker
  env.assert((yield* configure(NUM_DOMAIN_SCHEDULES - 1, 0, D0)) === L.seL4_RangeError, 'Configure(the last index)');
  // the starting entry's duration must not be zero
  env.assert((yield* configure(0, 0, 0)) === L.seL4_InvalidArgument, 'Configure(start, duration 0)');
  env.assert((yield* configure(0, -1, D0)) === L.seL4_RangeError, 'Configure(domain -1)');
  env.assert((yield* configure(0, NUM_DOMAINS + 1, D0)) === L.seL4_RangeError, 'Configure(domain past the last)');
  // an end marker has both domain and duration zero
  env.assert((yield* configure(1, 1, 0)) === L.seL4_InvalidArgument, 'Configure(end marker with a domain)');
  // durations fit in 56 bits
  env.assert((yield* configure(0, 0, 1n << 56n)) === L.seL4_InvalidArgument, 'Configure(2^56 ticks)');
  // every unused entry at the maximum, to catch implementation bugs
  for (let i = 1; i < OFF; i++) env.assert((yield* configure(i, 0, MAX_DURATION)) === L.seL4_NoError, `Configure(${i}, max)`);
  // the schedule the other domain tests assume
  for (let i = 0; i < NUM_DOMAINS; i++) {
    const d = i < 3 ? duration[i]! : D3;
    env.assert((yield* configure(i + OFF, i, d)) === L.seL4_NoError, `Configure(${i + OFF}, domain ${i})`);
  }
  // reload the configuration
  env.assert((yield* L.seL4_DomainSet_ScheduleSetStart(env.domain, OFF)) === L.seL4_NoError, 'SetStart(OFF)');
  return SUCCESS;
}

/** test_domains: a thread per domain at priority 64 busy-waiting; with `shift`, thread 0 moves. */
function* testDomains(env: Env, shift: boolean): Gen {
  yield* configureDomainSchedules(env);
  const thread: Helper[] = [];
  for (let i = 0; i < NUM_DOMAINS; i++) {
    const t = yield* createHelperThread(env, `domain ${i}`);
    thread.push(t);
    yield* setHelperPriority(env, t, 64);
    env.assert((yield* L.seL4_DomainSet_Set(env.domain, i, t.thread.tcb)) === L.seL4_NoError, `DomainSet_Set(${i})`);
  }
  for (let i = 0; i < NUM_DOMAINS; i++) {
    yield* startHelper(
      env,
      thread[i]!,
      function* fdom1(): Gen<number> {
        for (let countdown = 50; countdown > 0; countdown--) yield* sleepBusy(env, POLL_DELAY_NS);
        return env.result();
      },
      i,
    );
  }
  if (NUM_DOMAINS > 1 && shift) {
    yield* sel4testSleep(env, POLL_DELAY_NS * 2);
    env.assert((yield* L.seL4_DomainSet_Set(env.domain, NUM_DOMAINS - 1, thread[0]!.thread.tcb)) === L.seL4_NoError, 'move thread 0');
  }
  for (let i = 0; i < NUM_DOMAINS; i++) {
    env.eq(yield* waitForHelper(thread[i]!), SUCCESS, `thread ${i}`);
    yield* cleanupHelper(env, thread[i]!);
  }
}

describe('domains (domains.cxx)', () => {
  sel4test('DOMAINS0000', 'Configure domain schedule', configureDomainSchedules, MULTI_DOMAIN);

  sel4test(
    'DOMAINS9999',
    'Reset domain schedule',
    function* (env: Env) {
      // the maximum duration, the default start, an end marker
      env.assert((yield* L.seL4_DomainSet_ScheduleConfigure(env.domain, 0, 0, MAX_DURATION)) === L.seL4_NoError, 'Configure(0, max)');
      env.assert((yield* L.seL4_DomainSet_ScheduleSetStart(env.domain, 0)) === L.seL4_NoError, 'SetStart(0)');
      env.assert((yield* L.seL4_DomainSet_ScheduleConfigure(env.domain, 1, 0, 0)) === L.seL4_NoError, 'Configure(1, end marker)');
    },
    MULTI_DOMAIN,
  );

  sel4test('DOMAINS0001', 'Change domain successfully()', function* (env: Env) {
    const numDomains = env.machine.k.config.numDomains;
    const error = yield* L.seL4_DomainSet_Set(env.domain, numDomains - 1, env.tcb);
    // reset our domain
    yield* L.seL4_DomainSet_Set(env.domain, 0, env.tcb);
    env.eq(error, L.seL4_NoError, 'DomainSet_Set to the last domain');
    return error === L.seL4_NoError ? SUCCESS : FAILURE;
  });

  sel4test('DOMAINS0002', 'Try non-existant domain()', function* (env: Env) {
    const numDomains = env.machine.k.config.numDomains;
    env.eq(yield* L.seL4_DomainSet_Set(env.domain, numDomains + 10, env.tcb), L.seL4_InvalidArgument, 'DomainSet_Set to a domain that does not exist');
  });

  sel4test('DOMAINS0003', 'Invoke non-domain cap()', function* (env: Env) {
    env.eq(yield* L.seL4_DomainSet_Set(env.tcb, 0, env.tcb), L.seL4_IllegalOperation, 'DomainSet_Set on a TCB cap');
  });

  sel4test('DOMAINS0004', 'Run threads in domains()', (env) => testDomains(env, false), { ...MULTI_DOMAIN, timer: true, boards: ['qemu-riscv-virt'] });
  sel4test('DOMAINS0005', 'Move thread between domains()', (env) => testDomains(env, true), { ...MULTI_DOMAIN, timer: true, boards: ['qemu-riscv-virt'] });
});
