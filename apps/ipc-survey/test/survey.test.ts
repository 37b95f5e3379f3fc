import { describe, expect, it } from 'vitest';
import { renderSvg, renderTable, runSurvey } from '../src/survey.js';

let t = 0;
const wall = () => (t += 500);

describe('ipc-survey', () => {
  const table = runSurvey(50, wall, { pingpong8: { pipe: 5207, eventfd: 4586 }, mb4k: { pipe: 2160 }, mb64k: { shm: 6634.6 }, wake8: { shm: 39000 }, absent: null });

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

  it('prints the 64 KiB table: the endpoint in 69 Calls, the Linux figure beside shared memory', () => {
    const lines = renderTable(table);
    const at = lines.findIndex((l) => l.startsWith('IPC survey: 64 KiB messages'));
    expect(at).toBeGreaterThan(0);
    const section = lines.slice(at, lines.indexOf('', at));
    const row = (name: string) => section.find((l) => l.startsWith(name + ' '))!.split(/\s{2,}/);
    expect(section.filter((l) => /^(pipe|mq|shm|endpoint) /.test(l))).toHaveLength(4);
    // entries and kernel bytes per 64 KiB (a timer interrupt may add a fraction of an entry)
    expect([Math.round(Number(row('endpoint')[1]!.replace(/,/g, ''))), row('endpoint')[4]]).toEqual([138, '65,536']);
    expect(row('shm').slice(-2)).toEqual(['shm+futex', '6,634.6']);
    expect(row('pipe').slice(-2)).toEqual(['pipe', '-']);
  });

  it('draws an SVG per workload', () => {
    for (const w of ['pingpong8', '4k', '64k', 'wake8'] as const) {
      const svg = renderSvg(table, w);
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg.trim().endsWith('</svg>')).toBe(true);
      expect(svg.match(/fill="#34495e"/g)?.length).toBe(table[w].length);
    }
  });

  it('says why the Linux column is empty', () => {
    const none = runSurvey(20, wall, { pingpong8: {}, mb4k: {}, mb64k: {}, wake8: {}, absent: 'no C compiler' });
    expect(renderTable(none)).toContain('Linux column: not measured (no C compiler)');
  });
});
