/*
 * Progress for the long fuzz campaign (`npm run fuzz`): always on stderr, so stdout carries only
 * the results (and stays one JSON line with --json). On a terminal the progress is one line
 * rewritten in place; elsewhere (CI logs, pipes) it is one line per run. The results end as a
 * table, one row per board and a total.
 */

/** Where progress goes: a stream's write and whether it is a terminal. */
export interface ProgressSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export class Progress {
  private shown = false;

  constructor(private readonly sink: ProgressSink) {}

  /** Show `line` as the current state. */
  update(line: string): void {
    if (this.sink.isTTY === true) {
      this.sink.write(`\r\x1b[2K${line}`);
      this.shown = true;
    } else {
      this.sink.write(line + '\n');
    }
  }

  /** Clear the in-place line (a terminal) before the results are printed. */
  done(): void {
    if (this.shown) this.sink.write('\r\x1b[2K');
    this.shown = false;
  }
}

/** A text table: a header, a rule, the rows; numbers right-aligned with thousands separators. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? c.toLocaleString('en-US') : c)));
  const right = header.map((_, c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number'));
  const widths = header.map((h, c) => Math.max(h.length, ...cells.map((r) => r[c]!.length)));
  const line = (r: readonly string[]) =>
    r
      .map((x, c) => (right[c] ? x.padStart(widths[c]!) : x.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
