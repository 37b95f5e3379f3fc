/*
 * The playground, tested twice over. In Node: every example runs in a Session (what the Web Worker
 * runs) and prints exactly what `tsel4 run` prints for it, console and summary table; stepping one
 * kernel entry at a time ends where a whole run ends; the views' data comes from the inspection
 * API. In Chromium (Debian's, driven by playwright-core; skipped with the reason printed when
 * there is none, a failure when TSEL4_REQUIRE_BROWSER=1): the built site opens with pingpong run,
 * runs every example to the CLI's output, steps pingpong with the views matching the inspection
 * API at each checkpoint, highlights a selection, round-trips a shared link, downloads the trace.
 * Screenshots go to apps/playground/test-results/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import ts from 'typescript';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Example, loadExamples, TOPICS, typecheckFiles } from '../src/examples.js';
import { compile, ProgramError, Session } from '../web/session.js';
import { TypeCheck } from '../web/typecheck.js';
import { type CliOutput, cliOutput, pool } from './cli.js';

const EXAMPLES = loadExamples();
const cli = new Map<string, CliOutput>();
// started at once, so the CLI runs overlap the site's build and Chromium's start
const cliRuns = pool(EXAMPLES, 4, (ex) => cliOutput(ex));

function runAll(ex: Example, board: 'pc99' | 'qemu-arm-virt' | 'qemu-riscv-virt' = 'pc99'): Session {
  const s = new Session({ name: ex.name, source: ex.source, board, fastpath: true, seed: 0 });
  s.runFor(Number.POSITIVE_INFINITY, () => 0);
  return s;
}

beforeAll(async () => {
  const outs = await cliRuns;
  EXAMPLES.forEach((ex, i) => cli.set(ex.name, outs[i]!));
}, 120_000);

describe('the examples', () => {
  it('are the ten topics and every app', () => {
    expect(EXAMPLES.filter((e) => e.kind === 'topic').map((e) => e.name)).toEqual([...TOPICS]);
    expect(EXAMPLES.filter((e) => e.kind === 'app').map((e) => e.name)).toEqual(['ipc-tour', 'notifications', 'pingpong', 'shared-memory']);
  });

  it.each(EXAMPLES.map((e) => [e.name, e] as const))('%s prints in the playground what tsel4 run prints', (_name, ex) => {
    const c = cli.get(ex.name)!;
    expect(c.stderr).toBe('');
    expect(c.code).toBe(0);
    const s = runAll(ex);
    const st = s.state();
    expect(st.errors).toEqual([]);
    expect(st.console).toBe(c.console);
    expect(st.summary).toBe(c.summary);
    expect(st.console.length).toBeGreaterThan(0);
  });

  it.each(EXAMPLES.filter((e) => e.kind === 'topic').map((e) => [e.name, e] as const))('%s runs without a failure on the ARM and RISC-V boards', (_n, ex) => {
    for (const board of ['qemu-arm-virt', 'qemu-riscv-virt'] as const) {
      const st = runAll(ex, board).state();
      expect(st.errors).toEqual([]);
      expect(st.console.length).toBeGreaterThan(0);
    }
  });
});

describe('the type-check', () => {
  const tc = new TypeCheck(ts, typecheckFiles());

  it.each(EXAMPLES.map((e) => [e.name, e] as const))('finds nothing to say about %s', (_n, ex) => {
    expect(tc.check(ex.source)).toEqual([]);
  });

  it('finds a type error at its place, and syscalls without yield* or with a plain yield', () => {
    const src = "import * as L from '@tsel4/libsel4';\nimport { println } from '@tsel4/sel4utils';\n\nexport default function* main() {\n  const n: string = L.seL4_GetMR(0);\n  L.seL4_Yield();\n  println('x');\n  yield L.seL4_Yield();\n  yield* println(n);\n}\n";
    const d = tc.check(src);
    const at = (x: { from: number }) => src.slice(0, x.from).split('\n').length;
    expect(d.map((x) => [x.severity, at(x)])).toEqual([['error', 5], ['warning', 6], ['warning', 7], ['warning', 8]]);
    expect(d[0]!.message).toBe("Type 'number' is not assignable to type 'string'.");
    expect(src.slice(d[1]!.from, d[1]!.to)).toBe('L.seL4_Yield()');
    expect(d[1]!.message).toMatch(/makes no syscall/);
    expect(d[3]!.message).toMatch(/plain yield/);
  });
});

describe('a session', () => {
  const pingpong = EXAMPLES.find((e) => e.name === 'pingpong')!;

  it('stepped one kernel entry at a time ends as a whole run does, and each transfer knows its entry', () => {
    const s = new Session({ name: 'pingpong', source: pingpong.source, board: 'pc99', fastpath: true, seed: 0 });
    let n = 0;
    while (s.step()) n++;
    const st = s.state();
    expect(st.steps).toBe(n);
    expect(st.summary).toBe(cli.get('pingpong')!.summary);
    expect(st.summary).toContain(`after ${n.toLocaleString('en-US')} steps`);
    // pingpong: 6 Calls and 6 replies between the clients and the server, and the clients' 2 Signals
    expect(st.flows.filter((f) => f.kind === 'call').length).toBe(6);
    expect(st.flows.filter((f) => f.kind === 'reply').length).toBe(6);
    expect(st.flows.filter((f) => f.kind === 'signal').length).toBe(2);
    const steps = st.flows.map((f) => f.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(steps.every((x) => x >= 1 && x <= n)).toBe(true);
    // the first Call finds the server waiting: fastpath (the summary counts it too)
    expect(st.flows[0]).toMatchObject({ kind: 'call', syscall: 'seL4_Call', fastpath: true, badge: '0xb', label: 1, length: 1 });
  });

  it('shows the inspection API: threads, the server queued on the endpoint, CSpaces, derivation', () => {
    const s = new Session({ name: 'pingpong', source: pingpong.source, board: 'pc99', fastpath: true, seed: 0 });
    // run until the server has blocked in its first Recv
    while (s.step()) {
      const k = s.state().kernel!;
      if (k.endpoints.some((e) => e.state === 'Recv')) break;
    }
    const st = s.state();
    const k = st.kernel!;
    const server = k.threads.find((t) => st.threadNames[t.id] === 'server')!;
    expect(server.state).toBe('BlockedOnReceive');
    expect(k.endpoints[0]).toEqual({ id: server.blockedOn, state: 'Recv', queue: [server.id] });
    const root = st.cspaces[k.threads[0]!.id]!;
    expect(root.slots.find((x) => x.index === 1)!.cap.type).toBe('thread_cap');
    // the endpoint's original cap: its derivation tree holds the two badged copies
    const epSlot = root.slots.find((x) => x.cap.type === 'endpoint_cap' && x.cap.badge === '0x0')!;
    const d = s.derivation(epSlot.id);
    expect(d.tree!.children.map((c) => c.slot.cap.badge).sort()).toEqual(['0xa', '0xb']);
    expect(d.ancestors[0]!.cap.type).toBe('untyped_cap');
    // the Chrome trace is what tsel4 run --trace writes: JSON with trace events
    expect(JSON.parse(s.chromeTrace()).traceEvents.length).toBeGreaterThan(10);
  });

  it('rejects what is not a root task, in one line, as the CLI does', () => {
    expect(() => compile('export const x = 1;', 'p')).toThrow(new ProgramError('p has no default export; a root task is a default-exported generator function (export default function* main() { ... })'));
    expect(() => compile('export default function main() {}', 'p')).toThrow(/is not a generator function/);
    expect(() => compile("import fs from 'node:fs'; export default function* main() { fs.readFileSync; }", 'p')).toThrow(/no module 'node:fs'/);
    expect(() => compile('export default function* main( {', 'p')).toThrow(/^cannot load p: /);
  });

  it('reports a thread that throws, as the CLI does', () => {
    const s = new Session({ name: 'p', source: "export default function* main() { throw new RangeError('boom'); }", board: 'pc99', fastpath: true, seed: 0 });
    s.runFor(Number.POSITIVE_INFINITY, () => 0);
    expect(s.state().errors).toEqual(["tsel4: thread 'rootserver' (main) threw RangeError: boom"]);
  });
});

// ---------------------------------------------------------------------------------------------
// In a real browser: Debian's Chromium driven by playwright-core against the built site.

const CHROMIUM = process.env['TSEL4_CHROMIUM'] ?? '/usr/bin/chromium';
const REQUIRED = process.env['TSEL4_REQUIRE_BROWSER'] === '1';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const SHOTS = join(dirname(fileURLToPath(import.meta.url)), '../test-results');
const WHY_SKIPPED = `no Chromium at ${CHROMIUM} (apt-get install chromium, or set TSEL4_CHROMIUM; TSEL4_REQUIRE_BROWSER=1 makes this a failure)`;

if (!HAVE_CHROMIUM) {
  if (REQUIRED) throw new Error(`the browser tests are required (TSEL4_REQUIRE_BROWSER=1) but there is ${WHY_SKIPPED}`);
  console.warn(`playground browser tests skipped: ${WHY_SKIPPED}`);
}

/** The built site, served: started at once, beside the CLI runs. */
async function buildSite(): Promise<Server> {
  const outDir = mkdtempSync(join(tmpdir(), 'tsel4-playground-site-'));
  await build({ configFile: join(dirname(fileURLToPath(import.meta.url)), '../vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return serve(outDir);
}
const site = HAVE_CHROMIUM ? buildSite() : null;
// awaited in the browser tests' beforeAll; until then a failure must not be an unhandled rejection
site?.catch(() => undefined);

describe.skipIf(!HAVE_CHROMIUM)('in Chromium', () => {
  let server: Server;
  let base = '';
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    server = (await site)!;
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    page = await browser.newPage({ viewport: { width: 1500, height: 1100 } });
    page.on('pageerror', (e) => {
      throw e;
    });
    mkdirSync(SHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  /** Open `hash` in a fresh document and wait for the first run to be drawn. */
  async function open(hash: string, p: Page = page): Promise<number> {
    await p.goto('about:blank');
    await p.goto(base + hash);
    // (the page's globals, read in the page; this file has no DOM types)
    await p.waitForFunction('window.tsel4Ready !== undefined', null, { timeout: 20_000 });
    return p.evaluate<number>('window.tsel4Ready');
  }

  const text = async (sel: string, p: Page = page) => (await p.textContent(sel)) ?? '';

  it('opens with pingpong already run: the CLI output, the summary table and the views', async () => {
    const readyMs = await open('');
    // measured, not asserted tightly (the machine is shared); the README quotes it
    console.log(`playground: pingpong's output and views drawn ${readyMs.toFixed(0)} ms after navigation started`);
    expect(readyMs).toBeLessThan(15_000);
    const c = cli.get('pingpong')!;
    expect(await text('#console')).toBe(c.console);
    expect(await text('#summary')).toBe(c.summary);
    expect(await text('[data-count=threads]')).toBe('4 threads (+ idle)');
    expect(await page.locator('svg.seq').getAttribute('data-n')).toBe('14');
    expect(await page.locator('svg.seq .flow.fast').count()).toBe(12);
    expect(await page.locator('svg.seq .flow[data-kind=signal]').count()).toBe(2);
    await page.screenshot({ path: join(SHOTS, 'pingpong.png'), fullPage: true });
  });

  it('runs every example and prints what tsel4 run prints', async () => {
    await open('#ex=hello');
    for (const ex of EXAMPLES) {
      // the example picker: the page loads it and runs it at once
      if (ex.name !== 'hello') await page.selectOption('#example', ex.name);
      await page.waitForSelector(`body[data-program="${ex.name}"][data-status=done]`);
      const c = cli.get(ex.name)!;
      expect(await text('#console'), ex.name).toBe(c.console);
      expect(await text('#summary'), ex.name).toBe(c.summary);
      expect(await text('#errors'), ex.name).toBe('');
      if (ex.name === 'fault-handler' || ex.name === 'retype') await page.screenshot({ path: join(SHOTS, `${ex.name}.png`), fullPage: true });
    }
  });

  it('steps through pingpong one kernel entry at a time; the views match the inspection API at each step', async () => {
    const pingpong = EXAMPLES.find((e) => e.name === 'pingpong')!;
    // the same steps in Node, for the expected values
    const s = new Session({ name: 'pingpong', source: pingpong.source, board: 'pc99', fastpath: true, seed: 0 });
    const checkpoints = new Map<number, ReturnType<Session['state']>>();
    const at = [1, 15, 90, 130, 260, 320];
    for (let i = 1; i <= at.at(-1)!; i++) {
      s.step();
      if (at.includes(i)) checkpoints.set(i, s.state());
    }
    await open('#ex=pingpong');
    await page.click('#reset');
    await page.waitForSelector('body[data-status=loaded][data-steps="0"]');
    const check = async (i: number) => {
      const want = checkpoints.get(i)!;
      const k = want.kernel!;
      const live = k.threads.filter((t) => !t.isIdle).length;
      expect(await text('[data-count=threads]'), `step ${i}`).toBe(`${live} thread${live === 1 ? '' : 's'} (+ idle)`);
      expect(await page.locator('#threads .thread-card').count(), `step ${i}`).toBe(k.threads.length);
      expect(await page.locator('#objects .endpoint').count(), `step ${i}`).toBe(k.endpoints.length);
      const queues = await page.locator('#objects .endpoint').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-queue'))));
      expect(queues, `step ${i}`).toEqual(k.endpoints.map((e) => e.queue.length));
      const arrows = want.flows.length === 0 ? 0 : Number(await page.locator('svg.seq').getAttribute('data-n'));
      expect(arrows, `step ${i}`).toBe(want.flows.length);
      const rootSlots = want.cspaces[k.threads[0]!.id]!.slots.length;
      expect(await text('#cspace .cnode-title small'), `step ${i}`).toBe(`2^12 slots, ${rootSlots} in use`);
      expect(await text('#console'), `step ${i}`).toBe(want.console);
    };
    // the Step button, one kernel entry per click
    for (let i = 1; i <= 15; i++) {
      await page.click('#step');
      await page.waitForSelector(`body[data-steps="${i}"]`);
      if (checkpoints.has(i)) await check(i);
    }
    // further on: the entry box runs to an entry (and back: it boots again), then Step goes on from there
    for (const i of [130, 90, 320, 260]) {
      await page.fill('#goto', String(i - 1));
      await page.dispatchEvent('#goto', 'change');
      await page.waitForSelector(`body[data-steps="${i - 1}"]`);
      await page.click('#step');
      await page.waitForSelector(`body[data-steps="${i}"]`);
      await check(i);
    }
    // an arrow of the diagram goes to the entry it came from
    const arrow = page.locator('svg.seq .flow').first();
    const step = Number(await arrow.getAttribute('data-step'));
    await arrow.click();
    await page.waitForSelector(`body[data-steps="${step}"]`);
    expect(await page.locator('svg.seq .flow').count()).toBe(1);
    // at entry 90 the server waits on the endpoint; by 320 calls and replies have crossed
    const mid = checkpoints.get(90)!.kernel!;
    expect(mid.endpoints.some((e) => e.state === 'Recv' || e.queue.length > 0) || checkpoints.get(320)!.flows.length > 0).toBe(true);
    await page.screenshot({ path: join(SHOTS, 'pingpong-stepped.png'), fullPage: true });
  });

  it('runs at a set speed, pauses, and runs on to the same end', async () => {
    await open('#ex=pingpong');
    await page.click('#reset');
    await page.waitForSelector('body[data-status=loaded][data-steps="0"]');
    await page.selectOption('#speed', '100');
    await page.click('#run');
    await page.waitForSelector('body[data-status=running]');
    await page.click('#pause');
    await page.waitForSelector('body[data-status=paused]');
    const steps = Number(await page.getAttribute('body', 'data-steps'));
    expect(steps).toBeGreaterThan(0);
    expect(steps).toBeLessThan(802);
    await page.selectOption('#speed', '');
    await page.click('#run');
    await page.waitForSelector('body[data-status=done]');
    expect(await text('#console')).toBe(cli.get('pingpong')!.console);
    expect(await text('#summary')).toBe(cli.get('pingpong')!.summary);
  });

  it('selecting a thread highlights it in every view; selecting a cap shows its derivation tree', async () => {
    await open('#ex=pingpong');
    await page.click('#threads .thread-card:has-text("server")');
    const selected = await page.locator('.sel').evaluateAll((els) => els.map((e) => e.closest('[id]')?.id ?? ''));
    // its card, its lane in the diagram, and its CSpace is shown
    expect(selected).toEqual(expect.arrayContaining(['threads', 'sequence']));
    expect(await text('#cspace .sub')).toContain('server');
    // the endpoint's original cap (unbadged) in the root task's CSpace: two badged copies derive from it
    await page.click('#threads .thread-card:has-text("rootserver")');
    await page.click('#cspace .slot:has(.t-endpoint_cap):not(:has-text("badge"))');
    await page.waitForSelector('#derivation [data-count=revoke]');
    expect(await text('#derivation [data-count=revoke]')).toBe('2');
    expect(await page.locator('#derivation .dtree .slot').count()).toBe(3);
    // the endpoint is highlighted in the endpoints view too
    expect(await page.locator('#objects .endpoint.sel').count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'selection.png'), fullPage: true });
  });

  it('a shared link opens the same program, board and options, already run', async () => {
    await open('#ex=hello');
    const program = "import { println } from '@tsel4/sel4utils';\n\nexport default function* main(_bi: number, seed: number) {\n  yield* println(`shared, seed ${seed}`);\n}\n";
    await page.click('.cm-content');
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText(program);
    await page.selectOption('#board', 'qemu-riscv-virt');
    await page.fill('#seed', '7');
    await page.dispatchEvent('#seed', 'change');
    await page.waitForFunction("document.getElementById('console').textContent === 'shared, seed 7\\n'");
    await page.click('#share');
    const url = page.url();
    expect(url).toContain('board=qemu-riscv-virt');
    const other = await browser.newPage({ viewport: { width: 1500, height: 1100 } });
    await open(url.slice(base.length), other);
    expect(await text('#console', other)).toBe('shared, seed 7\n');
    const lines = await other.locator('.cm-line').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    expect(lines.join('\n')).toBe(program);
    expect(await other.inputValue('#board')).toBe('qemu-riscv-virt');
    expect(await other.inputValue('#seed')).toBe('7');
    expect(await text('#summary', other)).toMatch(/^program stopped \(every thread is blocked or stopped\)/);
    await other.close();
  });

  it('type-checks in a worker: errors and missing yield* marked at their lines', async () => {
    await open('#ex=hello');
    // the checker starts with the first edit
    expect(await page.getAttribute('body', 'data-checked')).toBe(null);
    await page.click('.cm-content');
    await page.keyboard.press('Control+A');
    await page.keyboard.insertText("import * as L from '@tsel4/libsel4';\n\nexport default function* main() {\n  const n: string = L.seL4_GetMR(0);\n  L.seL4_Yield();\n  yield L.seL4_Yield();\n}\n");
    await page.waitForSelector('body[data-diagnostics="3"]', { timeout: 30_000 });
    await page.waitForSelector('.cm-lint-marker-error');
    expect(await page.locator('.cm-lint-marker-error').count()).toBe(1);
    expect(await page.locator('.cm-lint-marker-warning').count()).toBe(2);
    await page.hover('.cm-lintRange-error');
    await page.waitForSelector('.cm-tooltip-lint');
    expect(await text('.cm-tooltip-lint')).toContain("Type 'number' is not assignable to type 'string'.");
    await page.screenshot({ path: join(SHOTS, 'typecheck.png') });
  });

  it('reports a program that does not load in one line', async () => {
    await open(`#name=broken&src=${Buffer.from('export default function main() {}').toString('base64url')}`);
    expect(await text('#errors')).toBe("broken's default export is not a generator function (export default function* main() { ... })");
    expect(await text('#status')).toBe('the program did not load');
  });

  it('downloads the run as Chrome trace JSON', async () => {
    await open('#ex=badges');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#trace')]);
    const json = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { traceEvents: { name: string }[] };
    expect(download.suggestedFilename()).toBe('badges.trace.json');
    expect(json.traceEvents.some((e) => e.name === 'seL4_Call')).toBe(true);
  });
});

/** A static file server for the built site. */
function serve(dir: string): Promise<Server> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.wasm': 'application/wasm' };
  const srv = createServer((req, res) => {
    let p = join(dir, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (p.endsWith('/')) p += 'index.html';
    if (!p.startsWith(dir) || !existsSync(p)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(p)] ?? 'application/octet-stream' }).end(readFileSync(p));
  });
  return new Promise((r) => srv.listen(0, '127.0.0.1', () => r(srv)));
}
