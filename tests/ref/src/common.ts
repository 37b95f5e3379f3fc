/*
 * What the reference scenarios' refsel4 helper gives them beyond sel4utils: REF_CHECK, the
 * error names they print, and ref_done.
 */
import * as L from '@tsel4/libsel4';
import { println } from '@tsel4/sel4utils';

/** seL4_Error's C name ("seL4_DeleteFirst"), as ref_err_name prints it. */
export function errName(e: number): string {
  return L.seL4_ErrorName(e);
}

/** REF_CHECK: print the failure and stop when a call fails. */
export function* check(e: number): Generator<L.TrapToken, void, unknown> {
  if (e !== 0) {
    yield* println(`CHECK FAILED -> ${e} (${errName(e)})`);
    yield* done();
  }
}

/** ref_done: print the marker and suspend the root task. */
export function* done(): Generator<L.TrapToken, never, unknown> {
  yield* println('SCENARIO DONE');
  yield* L.seL4_TCB_Suspend(L.seL4_CapInitThreadTCB);
  throw new Error('unreachable: the root task was resumed after ref_done');
}
