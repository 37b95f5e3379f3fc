/*
 * Printing from a thread: every character goes through seL4_DebugPutChar, as the C runtime's
 * printf does on a debug kernel.
 */

import { seL4_DebugPutChar, type TrapToken } from '@tsel4/libsel4';

/** Print `text` on the debug console (no newline added). */
export function* print(text: string): Generator<TrapToken, void, unknown> {
  for (let i = 0; i < text.length; i++) yield* seL4_DebugPutChar(text.charCodeAt(i));
}

/** Print `text` and a newline. */
export function* println(text = ''): Generator<TrapToken, void, unknown> {
  yield* print(text + '\n');
}

/** A word as C's %lx would print it (lower-case hex, no prefix). */
export function hex(v: number | bigint): string {
  return (typeof v === 'bigint' ? BigInt.asUintN(64, v) : BigInt.asUintN(64, BigInt(v))).toString(16);
}
