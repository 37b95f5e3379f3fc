/*
 * What a benchmark figure is, and the measuring helpers every figure uses.
 *
 * A figure has a name (dotted, as the issues name them), a unit, and a comparison: the reference
 * it is meant to be read against (seL4's own number, a JS baseline, ...). Timings take the median
 * of several runs after a warm-up, measured with the monotonic clock.
 */

export interface Measured {
  readonly value: number;
  /** The comparison, measured or quoted, as one short line: "raw Uint32Array: 1.2 ns". */
  readonly comparison: string;
}

export interface Figure {
  readonly name: string;
  readonly unit: string;
  measure(): Measured | Promise<Measured>;
}

/** Nanoseconds per operation of `op` run `n` times: median of `runs` timed runs after one warm-up. */
export function nsPerOp(n: number, op: (n: number) => void, runs = 5): number {
  op(Math.min(n, 100_000));
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    op(n);
    const t1 = process.hrtime.bigint();
    samples.push(Number(t1 - t0) / n);
  }
  return median(samples);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Run the garbage collector if node was started with --expose-gc; throws otherwise. */
export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g === undefined) throw new Error('run the bench with node --expose-gc (npm run bench does)');
  g();
  g();
}

/** Heap bytes retained by what `make` returns: heap after minus heap before, both after full GCs. */
export function retainedHeapBytes<T>(make: () => T): { bytes: number; value: T } {
  gc();
  const before = process.memoryUsage().heapUsed;
  const value = make();
  gc();
  const after = process.memoryUsage().heapUsed;
  return { bytes: Math.max(0, after - before), value };
}

/** Format a number for the table: integers with thousands separators, others with 3 significant digits. */
export function fmt(v: number): string {
  if (Number.isInteger(v) || Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  return v.toPrecision(3);
}
