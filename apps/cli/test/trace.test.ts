/*
 * `tsel4 run --trace`: the file is valid Chrome trace-event JSON (trace-format.ts checks it
 * against the format), there is one slice per syscall on one track per thread, and every arrow
 * connects the right slices: a client's seL4_Call to the server's receive, the server's reply to
 * that same Call, a signal to the waiter.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { checkTrace, type Event } from './trace-format.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const DIR = mkdtempSync(join(tmpdir(), 'tsel4-trace-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

async function traced(app: string, ...more: string[]) {
  const file = join(DIR, `${app}.json`);
  let out = '';
  const code = await main(['run', app, '--trace', file, ...more], { out: (t) => (out += t), err: () => {} }, DIR);
  expect(code).toBe(0);
  expect(out).toMatch(new RegExp(`tsel4: wrote \\d+ trace events to ${file.replace(/[.]/g, '\\.')} \\(open it in ui.perfetto.dev\\)\\n$`));
  const json = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const checked = checkTrace(json);
  const names = new Map<number, string>();
  for (const e of checked.events) if (e.ph === 'M' && e.name === 'thread_name') names.set(e.tid, e.args!['name'] as string);
  const who = (e: Event) => names.get(e.tid) ?? `tid ${e.tid}`;
  return { ...checked, who, out };
}

describe('tsel4 run --trace', () => {
  it('writes a valid trace of pingpong whose arrows join each Call to its receive and its reply', async () => {
    const { problems, events, flows, who, out } = await traced('pingpong');
    expect(problems).toEqual([]);
    expect(new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name').map((e) => e.args!['name']))).toEqual(
      new Set(['kernel: interrupts', 'rootserver', 'server', 'client A', 'client B']),
    );

    // one slice per syscall: the Call slices on thread tracks are the summary's seL4_SysCall count
    const calls = Number(/^\| seL4_SysCall +\| +([0-9,]+) \|$/m.exec(out)![1]!.replace(/,/g, ''));
    const kernelCalls = events.filter((e) => e.ph === 'X' && (e.name.startsWith('seL4_Call') || (e.cat === 'invocation' && e.name.startsWith('seL4_'))));
    expect(kernelCalls.length).toBe(calls);
    const prints = events.filter((e) => e.ph === 'X' && e.name === 'seL4_DebugPutChar').sort((a, b) => a.ts - b.ts);
    const printed = prints.reduce((n, e) => n + (e.args!['calls'] as number), 0);
    expect(printed).toBe(Number(/^\| seL4_SysDebugPutChar +\| +([0-9,]+) \|$/m.exec(out)![1]!.replace(/,/g, '')));
    // one slice per printed line, and together they are the program's output
    expect(prints.every((e) => (e.args!['text'] as string).endsWith('\n'))).toBe(true);
    expect(prints.map((e) => e.args!['text']).join('')).toBe(readFileSync(join(HERE, '../../pingpong/test/expected.txt'), 'utf8'));

    const summary = flows.map((f) => `${f.name}: ${who(f.from)} ${f.from.name} -> ${who(f.to)} ${f.to.name}`);
    const requests = ['client B', 'client A', 'client B', 'client A', 'client B', 'client A'];
    expect(summary).toEqual([
      ...requests.flatMap((c, i) => [
        `call: ${c} seL4_Call -> server ${i === 0 ? 'seL4_Recv' : 'seL4_ReplyRecv'}`,
        `reply: server seL4_ReplyRecv -> ${c} seL4_Call`,
      ]),
      'signal: client B seL4_Signal -> rootserver seL4_Wait',
      'signal: client A seL4_Signal -> rootserver seL4_Wait',
    ]);
    // each reply lands in the very Call slice its request left from, carrying the square back
    for (let i = 0; i < 12; i += 2) {
      const call = flows[i]!;
      const reply = flows[i + 1]!;
      expect(reply.to).toBe(call.from);
      expect(reply.from.ts).toBeGreaterThan(call.to.ts);
      const sent = (call.from.args!['mr'] as number[])[0]!;
      expect((call.from.args!['result'] as { mr: number[] }).mr).toEqual([sent * sent]);
      expect(call.from.args!['fastpath']).toBe(true);
      const badge = who(call.from) === 'client A' ? '0xa' : '0xb';
      expect((call.to.args!['result'] as { badge: string }).badge).toBe(badge);
    }
  });

  it('traces the slow path the same way (fastpath off)', async () => {
    const on = await traced('pingpong');
    const off = await traced('pingpong', '--fastpath', 'off');
    expect(off.problems).toEqual([]);
    const shape = (t: typeof on) => t.flows.map((f) => `${f.name}: ${t.who(f.from)} ${f.from.name} -> ${t.who(f.to)} ${f.to.name}`);
    expect(shape(off)).toEqual(shape(on));
    expect(off.events.some((e) => e.args?.['fastpath'] === true)).toBe(false);
  });

  it('draws signals to a bound server and fault messages to their handler', async () => {
    const n = await traced('notifications');
    expect(n.problems).toEqual([]);
    const toServer = n.flows.filter((f) => n.who(f.to) === 'server').map((f) => `${f.name} ${n.who(f.from)} ${f.from.name} -> ${f.to.name}`);
    expect(toServer).toEqual([
      'signal rootserver seL4_Signal -> seL4_Recv',
      'call client seL4_Call -> seL4_Recv',
      'signal rootserver seL4_Signal -> seL4_Recv',
    ]);
    const t = await traced('ipc-tour', '--board', 'qemu-riscv-virt');
    expect(t.problems).toEqual([]);
    const faults = t.flows.filter((f) => f.name === 'fault');
    expect(faults.map((f) => `${t.who(f.from)} ${f.from.name} -> ${t.who(f.to)} ${f.to.name}`)).toEqual(['bad receiver seL4_Recv -> rootserver seL4_Recv']);
    // interrupts (the riscv board's timer) are slices on the kernel's track
    expect(t.events.some((e) => e.ph === 'X' && t.who(e) === 'kernel: interrupts' && e.name.startsWith('IRQ'))).toBe(true);
  });
});

describe('the trace-format checker', () => {
  const x = (name: string, tid: number, ts: number, dur: number) => ({ name, ph: 'X', ts, dur, pid: 1, tid });
  const flow = (ph: 's' | 'f', id: number, tid: number, ts: number) => ({ name: 'call', cat: 'ipc', ph, id, ts, pid: 1, tid, ...(ph === 'f' ? { bp: 'e' } : {}) });

  it('accepts a good trace and binds each end of a flow to its enclosing slice', () => {
    const r = checkTrace({ traceEvents: [x('a', 2, 0, 10), x('b', 3, 5, 10), flow('s', 1, 2, 6), flow('f', 1, 3, 6)] });
    expect(r.problems).toEqual([]);
    expect(r.flows.map((f) => [f.from.name, f.to.name])).toEqual([['a', 'b']]);
  });

  it('finds what is wrong with a bad one', () => {
    const r = checkTrace({
      displayTimeUnit: 'us',
      traceEvents: [
        x('a', 2, 0, 10),
        x('overlaps', 2, 5, 10),
        { name: 'no-duration', ph: 'X', ts: 1, pid: 1, tid: 4 },
        { name: 'weird', ph: 'Q', ts: 0, pid: 1, tid: 2 },
        { name: 'thread_name', ph: 'M', ts: 0, pid: 1, tid: 2, args: {} },
        flow('s', 1, 2, 3),
        flow('f', 1, 5, 3),
        flow('s', 2, 2, 3),
      ],
    });
    expect(r.problems).toEqual([
      'displayTimeUnit is us, not ms or ns',
      'event 2 (no-duration, X): a complete event needs a duration',
      'event 3 (weird, Q): phase Q is not one tsel4 writes',
      'event 4 (thread_name, M): metadata needs args.name',
      'track 1/2: overlaps at 5 overlaps a at 0 without nesting',
      'flow ipc/call/1: its end is in no slice of thread 5',
      'flow ipc/call/2: no end',
    ]);
  });
});
