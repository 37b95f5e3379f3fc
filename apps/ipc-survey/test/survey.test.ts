import { describe, expect, it } from 'vitest';
import { renderSvg, renderTable, runSurvey } from '../src/survey.js';

let t = 0;
const wall = () => (t += 500);

describe('ipc-survey', () => {
  const table = runSurvey(50, wall, { pingpong8: { pipe: 5207, eventfd: 4586 }, mb4k: { pipe: 2160 }, wake8: { shm: 39000 }, absent: null });

  it('prints a row per mechanism with tsel4 counts and the Linux figure beside it', () => {
    const lines = renderTable(table);
    const row = (name: string) => lines.find((l) => l.startsWith(name + ' '))!.split(/\s{2,}/);
    // entries, switches, kernel bytes (a timer interrupt may add a fraction of an entry)
    const counts = (name: string) => [row(name)[1], row(name)[2], row(name)[4]].map((x) => Math.round(Number(x!.replace(/,/g, ''))));
    expect(counts('endpoint')).toEqual([2, 2, 16]);
    expect(counts('sem')).toEqual([4, 2, 0]);
    expect(row('notification').slice(-2)).toEqual(['eventfd', '4,586']);
    expect(row('mq').slice(-2)).toEqual(['POSIX mq', '-']);
    expect(table['4k'].map((r) => r.tsel4.mechanism)).toEqual(['pipe', 'mq', 'shm', 'endpoint']);
    expect(table.wake8.map((r) => [r.tsel4.mechanism, r.linux])).toEqual([['sem', null], ['shm', 39000], ['notification', null]]);
  });

  it('draws an SVG per workload', () => {
    for (const w of ['pingpong8', '4k', 'wake8'] as const) {
      const svg = renderSvg(table, w);
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg.trim().endsWith('</svg>')).toBe(true);
      expect(svg.match(/fill="#34495e"/g)?.length).toBe(table[w].length);
    }
  });

  it('says why the Linux column is empty', () => {
    const none = runSurvey(20, wall, { pingpong8: {}, mb4k: {}, wake8: {}, absent: 'no C compiler' });
    expect(renderTable(none)).toContain('Linux column: not measured (no C compiler)');
  });
});
