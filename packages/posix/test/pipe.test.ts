import { describe, expect, it } from 'vitest';
import * as P from '../src/index.js';
import { bytes, runPosix, text } from './run.js';

describe('pipe', () => {
  it('carries bytes from a child to its parent; short reads; EOF when the last writer closes', () => {
    const log: string[] = [];
    const { result } = runPosix(function* (sys, init) {
      const fds = yield* P.pipe(init);
      if (typeof fds === 'number') throw new Error(P.errnoName(fds));
      const [r, w] = fds;
      const child = yield* sys.spawn(
        function* (p) {
          yield* p.close(r);
          log.push(`child wrote ${yield* P.write(p, w, bytes('hello'))}`);
          log.push(`child wrote ${yield* P.write(p, w, bytes(', world'))}`);
          return 7;
        },
        { inherit: init },
      );
      yield* init.close(w);
      const buf = new Uint8Array(4);
      for (;;) {
        const n = yield* P.read(init, r, buf);
        log.push(`parent read ${n} ${JSON.stringify(text(buf.subarray(0, Math.max(0, n))))}`);
        if (n <= 0) break;
      }
      const st = yield* P.waitpid(init, child);
      log.push(`exit ${P.WEXITSTATUS(st)}`);
    });
    expect(result.reason).toBe('halted');
    expect(log).toEqual([
      // the parent (priority 255) runs as soon as a write wakes it: short reads of what is there
      'parent read 4 "hell"',
      'parent read 1 "o"',
      'child wrote 5',
      'parent read 4 ", wo"',
      'parent read 3 "rld"',
      'child wrote 7',
      'parent read 0 ""',
      'exit 7',
    ]);
  });
});
