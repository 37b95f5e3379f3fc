/*
 * The shared-memory app's root task: `npx tsel4 run shared-memory [--board B] [--seed S]` moves
 * 64 KiB each way (shared frames, then endpoint copies); the run's seed, when not 0, seeds the
 * data. Importing this module runs nothing.
 */
import type * as L from '@tsel4/libsel4';
import { sharedMemoryDemo } from './shared-memory.js';

export default function* sharedMemory(_bootInfo: number, seed: number): Generator<L.TrapToken, void, unknown> {
  yield* sharedMemoryDemo(seed === 0 ? {} : { seed })();
}
