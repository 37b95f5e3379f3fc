/*
 * The native C bridge on a running machine: C threads made the seL4 way, sharing IPC buffers with
 * the kernel, their faults delivered as seL4 delivers them, C and TypeScript threads in one
 * machine, sel4test-style IPC checks in C, and what a person sees when a program does not build.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as L from '@tsel4/libsel4';
import { bridgeStatus, BridgeError, CompileError, CProgram, SourceNotFoundError } from '@tsel4/libsel4-native';
import { Allocator, createThread, println } from '@tsel4/sel4utils';
import { Machine } from '@tsel4/syscalls';
import { describe, expect, it } from 'vitest';
import { C_DIR, runC } from '../src/run.js';

const status = bridgeStatus();
const title = (what: string) => (status.ok ? what : `${what} — SKIPPED: ${status.reason}`);

describe.skipIf(!status.ok)(title('C threads on the bridge'), () => {
  it('deliver the fault seL4 would for returning, abort, assert, bad pointers, division by zero, ud2, stack overflow and a double free, and restart syscalls', () => {
    const { result } = runC('faults', { checkInvariants: true, maxSteps: 100_000 });
    expect(result.reason).toBe('idle');
    const lines = result.console.replace(/\(\/[^:]*faults\.c: /, '(faults.c: ').replace(/pointer 0x[0-9a-f]+/, 'pointer P').trimEnd().split('\n');
    expect(lines).toEqual([
      'returns: running, then returning into nothing',
      'returns: VMFault addr=low fsr=0x4 prefetch=0',
      'returns: addr=0x0 ip_is_addr=1',
      'aborts: UserException number=13 code=0 len=5',
      'Assertion failed: a0 == 42 (faults.c: asserts: 25)',
      'asserts: UserException number=13 code=0 len=5',
      'null_write: VMFault addr=low fsr=0x6 prefetch=0',
      'null_write: addr=0x0 ip_is_addr=0',
      'bad_read: VMFault addr=low fsr=0x4 prefetch=0',
      'bad_read: addr=0x1234 ip_is_addr=0',
      'divides: UserException number=0 code=0 len=5',
      'traps: UserException number=6 code=0 len=5',
      'overflows: VMFault addr=high fsr=0x6 prefetch=0',
      'tsel4: free(): invalid pointer P (not allocated, or freed twice)',
      'frees_twice: UserException number=13 code=0 len=5',
      'null_write: VMFault addr=low fsr=0x6 prefetch=0',
      'null_write: addr=0x0 ip_is_addr=0',
      'null_write again: VMFault addr=low fsr=0x6 prefetch=0',
      'null_write again: addr=0x0 ip_is_addr=0',
      'same instruction: 1',
      'calls_bad_cptr: label=1 len=7',
      'calls_bad_cptr: addr=0x10000 inRecvPhase=0',
      // answered, the thread is restarted at its syscall instruction and makes the Call again
      'calls_bad_cptr again: label=1 len=7',
      'waits: label=1 len=5',
      'waits: addr is the deleted slot: 1 inRecvPhase=1',
      'read back: rip is the fault ip: 1',
      'recovered: running with a0=99',
      'root: got label 77 from the recovered thread',
      'SCENARIO DONE',
    ]);
    expect(result.stats.faults).toBe(15);
  });

  it('share IPC buffers with the kernel, run constructors in the root task, print through the console, and exit as a root task does', () => {
    const { result, kernelLog } = runC('threads', { checkInvariants: true, maxSteps: 100_000 });
    expect(result.reason).toBe('idle');
    expect(result.console.trimEnd().split('\n')).toEqual([
      'constructor: runs in the root task before main',
      'main: constructed=1',
      'server: label=2 len=120 badge=0xfeedface12345678 sum=7260',
      'root: reply label=1 len=120 mr0=7260 mr119=0xfeedface12345678',
      'buffer: offset in page 0x400, as configured: 1',
      'server: label=3 len=6 badge=0x0 sum=11',
      'buffer: reply mr0=11 mr119=0x0',
      'no_buffer: GetMR(5) still reads what SetMR wrote: 1000',
      // without an IPC buffer only the message registers in CPU registers travel
      'server: label=4 len=4 badge=0x0 sum=30',
      'no_buffer: reply mr0=30',
      'long: 699 xxxxxxxxx',
      'printf without a newline; puts',
      'c',
      'fputs',
      'fwrite',
      'stderr 2',
      'heap: realloc kept 99, calloc zeros 50, aligned 0 1',
      'heap: from the host library',
      'main: returning 3',
      'atexit: handler ran',
    ]);
    // the thread that returned from where_is_my_buffer had no fault handler: seL4's message
    expect(kernelLog.some((l) => l.startsWith('Caught cap fault in send phase at address 0000000000000000'))).toBe(true);
  });

  it('pass sel4test-style checks: every message length 0..120, 64-bit badges, capability transfer', () => {
    const { result } = runC('ipc_checks', { checkInvariants: true, maxSteps: 200_000 });
    expect(result.reason).toBe('idle');
    expect(result.console.trimEnd().split('\n')).toEqual([
      'PASS Call/ReplyRecv with every length 0..120',
      'PASS badges up to 64 bits reach the receiver',
      'PASS Send/Recv with every length 0..120',
      'PASS capability transfer: granted, refused without Grant, unwrapped',
      '0 failures',
      'SCENARIO DONE',
    ]);
  });

  it('run the same way every time', () => {
    const a = runC('threads', { maxSteps: 100_000 }).result;
    const b = runC('threads', { maxSteps: 100_000 }).result;
    expect(b.console).toBe(a.console);
    expect(b.stats).toEqual(a.stats);
  });

  it('mix with TypeScript threads: a TypeScript root task starts C threads, and moves one into TypeScript', () => {
    const prog = CProgram.build([join(C_DIR, 'workers.c')]);
    try {
      const server = prog.functionAddress('c_server');
      const waiter = prog.functionAddress('c_waiter');
      function* tsHalf(x: number) {
        yield* println(`ts: the thread that waited in C now runs TypeScript with ${x}`);
      }
      function* root() {
        const bi = L.seL4_GetBootInfo();
        const alloc = new Allocator(bi);
        const CNODE = L.seL4_CapInitThreadCNode;
        const ep = yield* alloc.allocObject(L.seL4_EndpointObject);
        const badged = alloc.allocSlot();
        expect(yield* L.seL4_CNode_Mint(CNODE, badged, 64, CNODE, ep, 64, L.seL4_AllRights, 0xabc)).toBe(0);
        const s = yield* createThread(alloc, { priority: 200 });
        expect(yield* L.seL4_TCB_WriteRegisters(s.tcb, 1, 0, 20, { rip: server, rdi: ep })).toBe(0);
        for (let i = 1; i <= 2; i++) {
          L.seL4_SetMR(0, i);
          const r = yield* L.seL4_Call(badged, L.seL4_MessageInfo_new(5, 0, 0, 1));
          yield* println(`ts root: reply len=${L.seL4_MessageInfo_get_length(r)} mr0=${L.seL4_GetMR(0)}`);
        }
        const w = yield* createThread(alloc, { priority: 200 });
        const ep2 = yield* alloc.allocObject(L.seL4_EndpointObject);
        expect(yield* L.seL4_TCB_WriteRegisters(w.tcb, 1, 0, 20, { rip: waiter, rdi: ep2 })).toBe(0);
        yield* L.seL4_TCB_SetPriority(L.seL4_CapInitThreadTCB, L.seL4_CapInitThreadTCB, 100);
        // the waiter is blocked in C; move it to a TypeScript function
        expect(yield* L.seL4_TCB_WriteRegisters(w.tcb, 1, 0, 20, { rip: L.tsel4_functionAddress(tsHalf as L.ThreadFunction), rdi: 41 })).toBe(0);
        yield* L.seL4_TCB_SetPriority(L.seL4_CapInitThreadTCB, L.seL4_CapInitThreadTCB, 255);
        yield* println('ts root: done');
      }
      const m = new Machine(root as L.ThreadFunction, { ...prog.machineOptions(), checkInvariants: true });
      const r = m.run({ maxSteps: 10_000 });
      expect(r.console.trimEnd().split('\n')).toEqual([
        'c_server: mr0=1 badge=0xabc len=1',
        'ts root: reply len=1 mr0=3',
        'c_server: mr0=2 badge=0xabc len=1',
        'ts root: reply len=1 mr0=6',
        'c_waiter: waiting',
        'ts: the thread that waited in C now runs TypeScript with 41',
        'ts root: done',
      ]);
    } finally {
      prog.dispose();
    }
  });
});

/** What the TypeScript app `name` prints: its own test pins it in apps/NAME/test/expected.txt. */
function tsAppOutput(name: string): string {
  return readFileSync(join(C_DIR, '../../../apps', name, 'test/expected.txt'), 'utf8');
}

describe.skipIf(!status.ok)(title('C versions of the apps print what the TypeScript apps print'), () => {
  it.each(['pingpong', 'ipc-tour'])('%s', (name) => {
    // (the invariant checker after each of ipc-tour's ~5000 console syscalls would take seconds)
    const { result } = runC(`apps/${name}`, { checkInvariants: name === 'pingpong', maxSteps: 200_000 });
    expect(result.reason).toBe('idle');
    expect(result.console.split('\n')).toEqual(tsAppOutput(name).split('\n'));
  });
});

describe.skipIf(!status.ok)(title('C programs that do not build or cannot run'), () => {
  it('show the compiler\'s own message', () => {
    let err: unknown;
    try {
      CProgram.build([join(C_DIR, '../test/fixtures/broken.c')]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CompileError);
    expect((err as CompileError).message).toMatch(/broken\.c:6:\d+: error: .*undeclared/);
  });

  it('show the linker\'s message for a function that is nowhere', () => {
    expect(() => CProgram.build([join(C_DIR, '../test/fixtures/unresolved.c')])).toThrow(/undefined reference to `no_such_function'/);
  });

  it('name a source file that is not there', () => {
    expect(() => CProgram.build(['/nonexistent/main.c'])).toThrow(SourceNotFoundError);
    expect(() => CProgram.build(['/nonexistent/main.c'])).toThrow('no such C source file: /nonexistent/main.c');
  });

  it('say so when a root task has no main', () => {
    const prog = CProgram.build([join(C_DIR, 'workers.c')]);
    try {
      expect(() => prog.rootEntry()).toThrow(BridgeError);
      expect(() => prog.rootEntry()).toThrow('the C program has no main(): a root task needs int main(void)');
      expect(() => prog.functionAddress('nope')).toThrow("the C program has no function 'nope'");
    } finally {
      prog.dispose();
    }
  });
});
