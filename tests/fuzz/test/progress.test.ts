// The fuzz campaign's progress (one line rewritten on a terminal, a line per update elsewhere)
// and its closing table.
import { describe, expect, it } from 'vitest';
import { Progress, table } from '../src/progress.js';

function sink(isTTY: boolean) {
  const s = { text: '', isTTY, write: (t: string) => (s.text += t) };
  return s;
}

describe('fuzz progress', () => {
  it('prints a line per update when stderr is not a terminal', () => {
    const s = sink(false);
    const p = new Progress(s);
    p.update('a');
    p.update('b');
    p.done();
    expect(s.text).toBe('a\nb\n');
  });

  it('rewrites one line on a terminal and clears it at the end', () => {
    const s = sink(true);
    const p = new Progress(s);
    p.update('a');
    p.update('b');
    p.done();
    expect(s.text).toBe('\r\x1b[2Ka\r\x1b[2Kb\r\x1b[2K');
  });

  it('ends with a table: numbers right-aligned with separators', () => {
    expect(table(['board', 'steps'], [['pc99', 20000], ['qemu-arm-virt', 5]])).toBe(
      ['board           steps', '-------------  ------', 'pc99           20,000', 'qemu-arm-virt       5'].join('\n'),
    );
  });
});
