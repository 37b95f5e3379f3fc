/*
 * What the survey's workloads share: the mechanisms and workloads by name, the hooks a workload
 * reports to the measuring harness through, and the constants and helpers of survey-pingpong.ts,
 * survey-stream.ts, survey-wake.ts and survey-shm.ts.
 */
import * as L from '@tsel4/libsel4';
import type { Code } from './system.js';
import type { Proc } from './proc.js';

export type SurveyMechanism = 'pipe' | 'signal' | 'mq' | 'sem' | 'shm' | 'endpoint' | 'notification';
export type SurveyWorkload = 'pingpong8' | '4k' | '64k' | 'wake8';
/** The one-way transfer workloads. */
export type SurveyStream = '4k' | '64k';

export const SURVEY_MECHANISMS: readonly SurveyMechanism[] = ['pipe', 'signal', 'mq', 'sem', 'shm', 'endpoint', 'notification'];
/** The mechanisms that carry bytes (the 4 KiB and 64 KiB workloads exist for them). */
export const SURVEY_MOVES_BYTES: readonly SurveyMechanism[] = ['pipe', 'mq', 'shm', 'endpoint'];
/** The mechanisms with a one-to-eight wake-up workload. */
export const SURVEY_WAKES: readonly SurveyMechanism[] = ['sem', 'shm', 'notification'];
/** Waiters one waker wakes in the wake8 workload. */
export const WAKE_N = 8;

export const CHUNK = 4096;
/** Bytes one operation of each transfer workload moves. */
export const SURVEY_STREAM_BYTES: Record<SurveyStream, number> = { '4k': 4096, '64k': 65536 };
/** Whether a workload is a one-way transfer. */
export const isStream = (w: SurveyWorkload): w is SurveyStream => w === '4k' || w === '64k';
/** Bytes one seL4 message carries: 120 message registers of 8 bytes. */
export const MSG_BYTES = L.seL4_MsgMaxLength * 8;
export const WARMUP = 16;

/** What the workload tells the measuring harness. */
export interface SurveyHooks {
  /** The timed part begins (called once, after the warm-up). */
  start(): void;
  /** The timed part is over. */
  end(): void;
  /** Bytes a message carried through the kernel (message registers). */
  kernelBytes(n: number): void;
}

export type ProcFn = (p: Proc) => Code<number | void>;

export function must(r: number, what: string): number {
  if (r < 0) throw new Error(`survey: ${what} failed with errno ${-r}`);
  return r;
}
