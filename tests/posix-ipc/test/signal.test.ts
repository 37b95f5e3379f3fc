import { runOthers } from '@tsel4/sel4utils';
import * as L from '@tsel4/libsel4';
import { describe, expect, it } from 'vitest';
import * as P from '@tsel4/posix';
import { runPosix } from './run.js';

describe('signals', () => {
  it('sigqueue carries a value and the sender to the handler; kill carries SI_USER; pause returns EINTR', () => {
    const log: string[] = [];
    runPosix(function* (sys, init) {
      const pid = yield* sys.spawn(function* (p) {
        yield* P.sigaction(p, P.SIGUSR1, {
          handler: function* (sig, info) {
            log.push(`sig ${sig} value ${info.value} from ${info.pid} code ${info.code}`);
          },
        });
        for (let i = 0; i < 2; i++) log.push(`pause ${P.errnoName(yield* P.pause(p))}`);
      });
      yield* runOthers();
      log.push(`sigqueue ${yield* P.sigqueue(init, pid, P.SIGUSR1, 42)}`);
      yield* runOthers();
      yield* P.kill(init, pid, P.SIGUSR1);
      yield* P.waitpid(init, pid);
    });
    expect(log).toEqual([
      'sigqueue 0',
      `sig 10 value 42 from 0 code ${P.SI_QUEUE}`,
      'pause EINTR',
      `sig 10 value 0 from 0 code ${P.SI_USER}`,
      'pause EINTR',
    ]);
  });

  it('a blocked signal stays pending (once: standard signals do not queue) and is delivered when unblocked', () => {
    const log: string[] = [];
    runPosix(function* (_sys, init) {
      yield* P.sigaction(init, P.SIGUSR2, { handler: function* (_s, info) { log.push(`handler value ${info.value}`); } });
      log.push(`old mask ${yield* P.sigprocmask(init, P.SIG_BLOCK, P.sigmask(P.SIGUSR2))}`);
      yield* P.sigqueue(init, init.pid, P.SIGUSR2, 1);
      yield* P.sigqueue(init, init.pid, P.SIGUSR2, 2);
      log.push(`pending ${(yield* P.sigpending(init)) === P.sigmask(P.SIGUSR2)}`);
      yield* P.sigprocmask(init, P.SIG_UNBLOCK, P.sigmask(P.SIGUSR2));
      log.push(`pending after ${yield* P.sigpending(init)}`);
    });
    expect(log).toEqual(['old mask 0', 'pending true', 'handler value 1', 'pending after 0']);
  });

  it('errors: EINVAL for bad numbers and for catching SIGKILL/SIGSTOP, ESRCH for no such process; kill 0 probes', () => {
    const log: string[] = [];
    runPosix(function* (_sys, init) {
      const h = { handler: function* () {} };
      log.push(P.errnoName(yield* P.kill(init, 0, 32)));
      log.push(P.errnoName(yield* P.kill(init, 0, -1)));
      log.push(P.errnoName(yield* P.kill(init, 17, P.SIGTERM)));
      log.push(P.errnoName(yield* P.kill(init, 0, 0)));
      log.push(P.errnoName(yield* P.sigaction(init, P.SIGKILL, h)));
      log.push(P.errnoName(yield* P.sigaction(init, P.SIGSTOP, { handler: 'SIG_IGN' })));
      log.push(P.errnoName(yield* P.sigaction(init, 0, h)));
      log.push(P.errnoName(yield* P.sigprocmask(init, 7, 0)));
      // SIGKILL cannot be blocked: the mask drops it
      yield* P.sigprocmask(init, P.SIG_SETMASK, P.sigmask(P.SIGKILL, P.SIGUSR1));
      log.push(`mask ${(yield* P.sigprocmask(init, P.SIG_SETMASK, null)) === P.sigmask(P.SIGUSR1)}`);
    });
    expect(log).toEqual(['EINVAL', 'EINVAL', 'ESRCH', '0', 'EINVAL', 'EINVAL', 'EINVAL', 'EINVAL', 'mask true']);
  });

  it('default actions: SIGTERM terminates, SIGCHLD is discarded; SIG_IGN discards; SIGKILL cannot be ignored; ESRCH after exit', () => {
    const log: string[] = [];
    runPosix(function* (sys, init) {
      const victim = yield* sys.spawn(function* (p) {
        yield* P.sigaction(p, P.SIGINT, { handler: 'SIG_IGN' });
        for (;;) log.push(`pause ${P.errnoName(yield* P.pause(p))}`);
      });
      yield* runOthers();
      yield* P.kill(init, victim, P.SIGCHLD);
      yield* P.kill(init, victim, P.SIGINT);
      yield* runOthers();
      log.push(`pending ${yield* P.sigpending(sys.procs[victim]!)}`);
      yield* P.kill(init, victim, P.SIGTERM);
      const st = yield* P.waitpid(init, victim);
      log.push(`killed by ${P.WTERMSIG(st)}`);
      log.push(P.errnoName(yield* P.kill(init, victim, 0)));
      const other = yield* sys.spawn(function* (p) {
        yield* P.pause(p);
      });
      yield* runOthers();
      yield* P.kill(init, other, P.SIGKILL);
      log.push(`killed by ${P.WTERMSIG(yield* P.waitpid(init, other))}`);
      log.push(P.errnoName(yield* P.waitpid(init, other)));
    });
    expect(log).toEqual(['pending 0', `killed by ${P.SIGTERM}`, 'ESRCH', `killed by ${P.SIGKILL}`, 'ECHILD']);
  });

  it('the bound notification wakes a process blocked in a plain endpoint Recv (sigpoll delivers)', () => {
    const log: string[] = [];
    runPosix(function* (sys, init) {
      const ep = yield* sys.alloc.allocObject(L.seL4_EndpointObject);
      const pid = yield* sys.spawn(function* (p) {
        yield* P.sigaction(p, P.SIGUSR1, { handler: function* () { log.push('handler'); } });
        const badge = { value: 0 as number | bigint };
        yield* L.seL4_Recv(ep, badge);
        log.push(`Recv returned with badge ${badge.value}`);
        log.push(`sigpoll ran ${yield* P.sigpoll(p)}`);
      });
      yield* runOthers();
      yield* P.kill(init, pid, P.SIGUSR1);
      yield* P.waitpid(init, pid);
    });
    expect(log).toEqual([`Recv returned with badge ${P.SIG}`, 'handler', 'sigpoll ran 1']);
  });
});
