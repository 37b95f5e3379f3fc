/*
 * The IPC survey (issue 18): the same workloads on each POSIX-style mechanism of @tsel4/posix and
 * on seL4's endpoint and notification, each on a fresh pc99 machine, beside the Linux originals
 * measured natively in the same run by @tsel4/posix/linux (built with the host's cc). Per round
 * trip of an 8-byte ping-pong (or per 4 KiB or 64 KiB message, or per round of one waker waking 8
 * waiters): wall time, kernel entries, context switches, simulated cycles and the bytes messages carried through the kernel. Wall time is the
 * median of RUNS machines after a warm-up; the counts are the same every run.
 */
import * as L from '@tsel4/libsel4';
import { isStream, measureSurvey, SURVEY_MECHANISMS, SURVEY_MOVES_BYTES, SURVEY_WAKES, WAKE_N, type SurveyMechanism, type SurveyResult, type SurveyStream, type SurveyWorkload } from '@tsel4/posix';
import { LINUX_WHAT, type LinuxSurvey, runLinuxSurvey } from '@tsel4/posix/linux';
import { Machine } from '@tsel4/syscalls';
import { type Figure, fmt, median } from '../figure.js';

const RUNS = 3;
const OPS: Record<SurveyWorkload, number> = { pingpong8: 4000, '4k': 1000, '64k': 100, wake8: 500 };
/** seL4's own fastpath round trip (sel4.systems: non-MCS Skylake 718 + 576 cycles at 3.4 GHz). */
const SEL4_FAST_RT_CYCLES = 718 + 576;

const wallNs = () => Number(process.hrtime.bigint());

function measure(mech: SurveyMechanism, workload: SurveyWorkload): SurveyResult {
  const run = () => measureSurvey(mech, workload, OPS[workload], (root) => new Machine(root as L.ThreadFunction), wallNs);
  run();
  const runs = Array.from({ length: RUNS }, run);
  const first = runs[0]!;
  return { ...first, ns: median(runs.map((r) => r.ns)), mbPerS: median(runs.map((r) => r.mbPerS)) };
}

const cache = new Map<string, SurveyResult>();
function result(mech: SurveyMechanism, workload: SurveyWorkload): SurveyResult {
  const k = `${mech}/${workload}`;
  let r = cache.get(k);
  if (r === undefined) cache.set(k, (r = measure(mech, workload)));
  return r;
}

let linuxCache: LinuxSurvey | null = null;
const linux = () => (linuxCache ??= runLinuxSurvey());

/** The Linux original a tsel4 mechanism is read against. */
const LINUX_PEER: Partial<Record<SurveyMechanism, string>> = { pipe: 'pipe', signal: 'signal', mq: 'mq', sem: 'sem', shm: 'shm', notification: 'eventfd', endpoint: 'socketpair' };

function linuxNote(mech: SurveyMechanism, workload: SurveyWorkload): string {
  const l = linux();
  if (l.absent !== null) return `Linux: not measured (${l.absent})`;
  const peer = LINUX_PEER[mech];
  if (peer === undefined) return '';
  const v = workload === 'pingpong8' ? l.pingpong8[peer] : workload === '4k' ? l.mb4k[peer] : workload === '64k' ? l.mb64k[peer] : l.wake8[peer];
  return v === undefined ? '' : `Linux ${LINUX_WHAT[peer]}: ${fmt(v)} ${isStream(workload) ? 'MB/s' : workload === 'wake8' ? 'ns/round' : 'ns/rt'}`;
}

function structure(r: SurveyResult): string {
  return `${r.kernelEntries.toFixed(2)} kernel entries, ${r.contextSwitches.toFixed(2)} switches, ${fmt(r.cycles)} cycles, ${fmt(r.kernelBytes)} B through the kernel`;
}

function sel4Note(mech: SurveyMechanism): string {
  if (mech === 'endpoint') return `; seL4 fastpath Call+ReplyRecv: ${SEL4_FAST_RT_CYCLES} cycles (Skylake)`;
  if (mech === 'notification') return '; no published seL4 notification figure is quoted here';
  return '';
}

const tsel4Figures: Figure[] = SURVEY_MECHANISMS.flatMap((m): Figure[] => [
  {
    name: `survey.${m}.pingpong8.ns`,
    unit: 'ns/rt',
    measure: () => ({ value: result(m, 'pingpong8').ns, comparison: linuxNote(m, 'pingpong8') }),
  },
  {
    name: `survey.${m}.pingpong8.kernel_entries`,
    unit: 'entries/rt',
    measure: () => ({ value: result(m, 'pingpong8').kernelEntries, comparison: structure(result(m, 'pingpong8')) + sel4Note(m) }),
  },
  {
    name: `survey.${m}.pingpong8.context_switches`,
    unit: 'switches/rt',
    measure: () => ({ value: result(m, 'pingpong8').contextSwitches, comparison: '' }),
  },
  {
    name: `survey.${m}.pingpong8.cycles`,
    unit: 'cycles/rt',
    measure: () => ({ value: result(m, 'pingpong8').cycles, comparison: `simulated (CostModel)${sel4Note(m)}` }),
  },
  {
    name: `survey.${m}.pingpong8.kernel_bytes`,
    unit: 'B/rt',
    measure: () => ({ value: result(m, 'pingpong8').kernelBytes, comparison: 'message bytes the kernel carried' }),
  },
]);

const STREAMS: readonly SurveyStream[] = ['4k', '64k'];
const STREAM_UNIT: Record<SurveyStream, string> = { '4k': '4KiB', '64k': '64KiB' };

const tsel4BytesFigures: Figure[] = STREAMS.flatMap((w) =>
  SURVEY_MOVES_BYTES.flatMap((m): Figure[] => [
    {
      name: `survey.${m}.${w}.mb_per_s`,
      unit: 'MB/s',
      measure: () => ({ value: result(m, w).mbPerS, comparison: linuxNote(m, w) }),
    },
    {
      name: `survey.${m}.${w}.kernel_entries`,
      unit: `entries/${STREAM_UNIT[w]}`,
      measure: () => ({ value: result(m, w).kernelEntries, comparison: structure(result(m, w)) }),
    },
  ]),
);

const tsel4WakeFigures: Figure[] = SURVEY_WAKES.flatMap((m): Figure[] => [
  {
    name: `survey.${m}.wake${WAKE_N}.ns`,
    unit: 'ns/round',
    measure: () => ({ value: result(m, 'wake8').ns, comparison: linuxNote(m, 'wake8') }),
  },
  {
    name: `survey.${m}.wake${WAKE_N}.kernel_entries`,
    unit: 'entries/round',
    measure: () => ({ value: result(m, 'wake8').kernelEntries, comparison: structure(result(m, 'wake8')) }),
  },
]);

const LINUX_PP = ['pipe', 'socketpair', 'eventfd', 'mq_sysv', 'mq', 'sem_sysv', 'sem', 'shm', 'signal_kill', 'signal'];
const LINUX_4K = ['pipe', 'mq', 'shm'];

const linuxFigures: Figure[] = [
  ...LINUX_PP.map((n) => ({
    name: `survey.linux.${n}.pingpong8.ns`,
    unit: 'ns/rt',
    measure: () => {
      const l = linux();
      const v = l.pingpong8[n];
      return { value: v ?? Number.NaN, comparison: l.absent !== null ? `not measured: ${l.absent}` : `${LINUX_WHAT[n]}, native, one core` };
    },
  })),
  ...STREAMS.flatMap((w) =>
    LINUX_4K.map((n) => ({
      name: `survey.linux.${n}.${w}.mb_per_s`,
      unit: 'MB/s',
      measure: () => {
        const l = linux();
        const v = (w === '4k' ? l.mb4k : l.mb64k)[n];
        const what = w === '4k' ? '4 KiB messages' : n === 'mq' ? '64 KiB as 8 messages of 8 KiB' : '64 KiB messages';
        return { value: v ?? Number.NaN, comparison: l.absent !== null ? `not measured: ${l.absent}` : `${LINUX_WHAT[n]}, ${what}, native` };
      },
    })),
  ),
];

const linuxWakeFigures: Figure[] = ['shm', 'sem'].map((n) => ({
  name: `survey.linux.${n}.wake${WAKE_N}.ns`,
  unit: 'ns/round',
  measure: () => {
    const l = linux();
    return { value: l.wake8[n] ?? Number.NaN, comparison: l.absent !== null ? `not measured: ${l.absent}` : `${LINUX_WHAT[n]}, one waker and ${WAKE_N} waiters, native, one core` };
  },
}));

export const surveyFigures: Figure[] = [...tsel4Figures, ...tsel4BytesFigures, ...tsel4WakeFigures, ...linuxFigures, ...linuxWakeFigures];
