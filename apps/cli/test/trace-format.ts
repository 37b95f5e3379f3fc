/*
 * A checker for Chrome trace-event JSON (the JSON object format of Google's "Trace Event Format"
 * document, as chrome://tracing and ui.perfetto.dev read it), for the phases tsel4 writes:
 * complete events (X), metadata (M) and flow events (s, f). It returns every problem it finds,
 * and resolves each flow to the slices its two ends bind to.
 */

export interface Event {
  name: string;
  ph: string;
  ts: number;
  pid: number;
  tid: number;
  dur?: number;
  cat?: string;
  id?: number | string;
  bp?: string;
  args?: Record<string, unknown>;
}

export interface Flow {
  id: number | string;
  name: string;
  from: Event;
  to: Event;
}

const PHASES = new Set(['X', 'M', 's', 'f']);
const METADATA = new Set(['process_name', 'thread_name', 'process_sort_index', 'thread_sort_index']);

const isInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isTime = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** The innermost complete event on `tid` that contains `ts` (start <= ts <= end). */
export function enclosing(events: readonly Event[], pid: number, tid: number, ts: number): Event | undefined {
  let best: Event | undefined;
  for (const e of events) {
    if (e.ph !== 'X' || e.pid !== pid || e.tid !== tid) continue;
    if (e.ts <= ts && ts <= e.ts + e.dur!) if (best === undefined || e.ts >= best.ts) best = e;
  }
  return best;
}

/** Check `json` (the parsed file); returns the problems and the flows with their bound slices. */
export function checkTrace(json: unknown): { problems: string[]; events: Event[]; flows: Flow[] } {
  const problems: string[] = [];
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { traceEvents?: unknown }).traceEvents)) {
    return { problems: ['not an object with a traceEvents array'], events: [], flows: [] };
  }
  const top = json as { traceEvents: unknown[]; displayTimeUnit?: unknown };
  if (top.displayTimeUnit !== undefined && top.displayTimeUnit !== 'ms' && top.displayTimeUnit !== 'ns') {
    problems.push(`displayTimeUnit is ${String(top.displayTimeUnit)}, not ms or ns`);
  }
  const events: Event[] = [];
  top.traceEvents.forEach((raw, i) => {
    const e = raw as Partial<Event>;
    const where = `event ${i} (${String(e.name)}, ${String(e.ph)})`;
    if (typeof e !== 'object' || e === null) return void problems.push(`${where}: not an object`);
    if (typeof e.name !== 'string' || e.name === '') problems.push(`${where}: no name`);
    if (typeof e.ph !== 'string' || !PHASES.has(e.ph)) problems.push(`${where}: phase ${String(e.ph)} is not one tsel4 writes`);
    if (!isInt(e.pid) || !isInt(e.tid)) problems.push(`${where}: pid and tid must be whole numbers`);
    if (!isTime(e.ts)) problems.push(`${where}: ts must be a time in microseconds`);
    if (e.args !== undefined && (typeof e.args !== 'object' || e.args === null || Array.isArray(e.args))) problems.push(`${where}: args must be an object`);
    if (e.ph === 'X' && !isTime(e.dur)) problems.push(`${where}: a complete event needs a duration`);
    if (e.ph === 'M') {
      if (!METADATA.has(e.name ?? '')) problems.push(`${where}: unknown metadata ${String(e.name)}`);
      const a = e.args ?? {};
      if (e.name?.endsWith('_name') && typeof a['name'] !== 'string') problems.push(`${where}: metadata needs args.name`);
      if (e.name?.endsWith('_sort_index') && !Number.isInteger(a['sort_index'])) problems.push(`${where}: metadata needs args.sort_index`);
    }
    if (e.ph === 's' || e.ph === 'f') {
      if (e.id === undefined || (typeof e.id !== 'number' && typeof e.id !== 'string')) problems.push(`${where}: a flow event needs an id`);
      if (typeof e.cat !== 'string') problems.push(`${where}: a flow event needs a category`);
      if (e.ph === 'f' && e.bp !== undefined && e.bp !== 'e') problems.push(`${where}: bp must be "e"`);
    }
    events.push(e as Event);
  });

  // complete events on one thread nest or are disjoint
  const byTrack = new Map<string, Event[]>();
  for (const e of events) if (e.ph === 'X') byTrack.set(`${e.pid}/${e.tid}`, [...(byTrack.get(`${e.pid}/${e.tid}`) ?? []), e]);
  for (const [track, list] of byTrack) {
    const sorted = [...list].sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const stack: Event[] = [];
    for (const e of sorted) {
      while (stack.length > 0 && stack.at(-1)!.ts + stack.at(-1)!.dur! <= e.ts) stack.pop();
      const parent = stack.at(-1);
      if (parent !== undefined && e.ts + e.dur! > parent.ts + parent.dur!) {
        problems.push(`track ${track}: ${e.name} at ${e.ts} overlaps ${parent.name} at ${parent.ts} without nesting`);
      }
      stack.push(e);
    }
  }

  // every flow has one start and one end, each inside a slice of its own thread
  const flows: Flow[] = [];
  const starts = new Map<string, Event>();
  const ends = new Map<string, Event>();
  for (const e of events) {
    if (e.ph !== 's' && e.ph !== 'f') continue;
    const key = `${e.cat}/${e.name}/${String(e.id)}`;
    const map = e.ph === 's' ? starts : ends;
    if (map.has(key)) problems.push(`flow ${key}: more than one ${e.ph} event`);
    map.set(key, e);
  }
  for (const [key, s] of starts) {
    const f = ends.get(key);
    if (f === undefined) {
      problems.push(`flow ${key}: no end`);
      continue;
    }
    if (f.ts < s.ts) problems.push(`flow ${key}: ends before it starts`);
    const from = enclosing(events, s.pid, s.tid, s.ts);
    const to = enclosing(events, f.pid, f.tid, f.ts);
    if (from === undefined) problems.push(`flow ${key}: its start is in no slice of thread ${s.tid}`);
    if (to === undefined) problems.push(`flow ${key}: its end is in no slice of thread ${f.tid}`);
    if (from !== undefined && to !== undefined) flows.push({ id: s.id!, name: s.name, from, to });
  }
  for (const key of ends.keys()) if (!starts.has(key)) problems.push(`flow ${key}: no start`);
  return { problems, events, flows };
}
