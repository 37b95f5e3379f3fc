/*
 * The playground page: the editor, the controls, and the views, talking to the kernel's Web
 * Worker. On load it reads the program, board and options from the URL (or takes the default
 * example), and has the worker run it at once, so the output and the views are there without a
 * click. Selecting a thread, a slot or an object highlights it in every view.
 */
import { autocompletion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { javascript } from '@codemirror/lang-javascript';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import { keymap, ViewUpdate } from '@codemirror/view';
import { basicSetup, EditorView } from 'codemirror';
import examples from 'virtual:examples';
import type { CheckRequest, CheckResult } from './checker.js';
import type { FromWorker, RunConfig, ToWorker, WorldState } from './protocol.js';
import { cspaceView, derivationView, esc, objectsView, sequenceView, threadsView } from './views.js';

interface ExampleDef {
  readonly name: string;
  readonly title: string;
  readonly source: string;
  readonly kind: 'topic' | 'app';
}
const EXAMPLES = examples as readonly ExampleDef[];
const DEFAULT_EXAMPLE = 'pingpong';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

// --------------------------------------------------------------------------------------------
// the URL: #ex=NAME or #src=BASE64URL, &board=, &fastpath=0|1, &seed=

function toB64(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromB64(s: string): string {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

function configFromUrl(): RunConfig {
  const p = new URLSearchParams(location.hash.slice(1));
  const ex = EXAMPLES.find((e) => e.name === (p.get('ex') ?? DEFAULT_EXAMPLE)) ?? EXAMPLES.find((e) => e.name === DEFAULT_EXAMPLE)!;
  const src = p.get('src');
  let source = ex.source;
  let name = ex.name;
  if (src !== null) {
    try {
      source = fromB64(src);
      name = p.get('name') ?? 'shared';
    } catch {
      /* a damaged link: fall back to the example */
    }
  }
  const seed = Number(p.get('seed') ?? 0);
  return {
    name,
    source,
    board: (p.get('board') ?? 'pc99') as RunConfig['board'],
    fastpath: p.get('fastpath') !== '0',
    seed: Number.isInteger(seed) && seed >= 0 ? seed : 0,
  };
}

function urlFor(c: RunConfig): string {
  const ex = EXAMPLES.find((e) => e.name === c.name && e.source === c.source);
  const p = new URLSearchParams();
  if (ex !== undefined) p.set('ex', ex.name);
  else {
    p.set('name', c.name);
    p.set('src', toB64(c.source));
  }
  p.set('board', c.board);
  p.set('fastpath', c.fastpath ? '1' : '0');
  p.set('seed', String(c.seed));
  return `${location.origin}${location.pathname}#${p.toString()}`;
}

// --------------------------------------------------------------------------------------------
// the worker

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const send = (m: ToWorker) => worker.postMessage(m);

let state: WorldState | null = null;
let selected: string[] = [];
let cspaceOwner: string | null = null;
let derivation: Extract<FromWorker, { type: 'derivation' }> | null = null;
let completionNames: Readonly<Record<string, readonly string[]>> = {};
let firstDoneMs: number | null = null;

// --------------------------------------------------------------------------------------------
// the editor

function complete(ctx: CompletionContext): CompletionResult | null {
  const member = ctx.matchBefore(/\b(L|sel4utils)\.\w*$/);
  if (member !== null) {
    const dot = member.text.indexOf('.');
    const mod = member.text.slice(0, dot) === 'L' ? '@tsel4/libsel4' : '@tsel4/sel4utils';
    return { from: member.from + dot + 1, options: (completionNames[mod] ?? []).map((n) => ({ label: n, type: /^[A-Z_0-9]+$|^seL4_[A-Z][a-zA-Z]*[A-Z][A-Za-z]*Object$/.test(n) ? 'constant' : 'function' })) };
  }
  const word = ctx.matchBefore(/\w+$/);
  if (word === null || (word.from === word.to && !ctx.explicit)) return null;
  const utils = completionNames['@tsel4/sel4utils'] ?? [];
  return { from: word.from, options: utils.map((n) => ({ label: n, type: 'function', detail: 'sel4utils' })) };
}

const editor = new EditorView({
  parent: $('editor'),
  extensions: [
    keymap.of([{ key: 'Mod-Enter', run: () => (load(true), true) }]),
    basicSetup,
    javascript({ typescript: true }),
    autocompletion({ override: [complete] }),
    lintGutter(),
    EditorView.updateListener.of((u: ViewUpdate) => {
      // the type-check starts with the visitor's first edit (the examples are clean already)
      if (u.docChanged && !settingSource) {
        if (checker === null) startChecker();
        else scheduleCheck();
      }
    }),
  ],
});

// --------------------------------------------------------------------------------------------
// the type-check: its own worker, started at the first edit, or at once for a program that is not
// an example (a shared link's); loading the compiler costs a few seconds of CPU, which the first
// run of an example does not wait for

let checker: Worker | null = null;
let checkId = 0;
let checkTimer: ReturnType<typeof setTimeout> | undefined;

function startChecker(): void {
  if (checker !== null) return;
  checker = new Worker(new URL('./checker.ts', import.meta.url), { type: 'module' });
  checker.onmessage = (e: MessageEvent<CheckResult>) => {
    if (e.data.id !== checkId) return; // the program changed since
    const len = editor.state.doc.length;
    const diagnostics = e.data.diagnostics.map((d) => ({ ...d, from: Math.min(d.from, len), to: Math.min(Math.max(d.to, d.from), len) }));
    editor.dispatch(setDiagnostics(editor.state, diagnostics));
    document.body.dataset['checked'] = String(e.data.id);
    document.body.dataset['diagnostics'] = String(diagnostics.length);
  };
  runCheck();
}

function runCheck(): void {
  if (checker === null) return;
  checker.postMessage({ id: ++checkId, source: editor.state.doc.toString() } satisfies CheckRequest);
}

function scheduleCheck(): void {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(runCheck, 400);
}

let settingSource = false;
function setSource(s: string): void {
  settingSource = true;
  editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: s } });
  settingSource = false;
  if (checker !== null) scheduleCheck();
}

// --------------------------------------------------------------------------------------------
// controls

const exampleSel = $<HTMLSelectElement>('example');
const boardSel = $<HTMLSelectElement>('board');
const fastpathBox = $<HTMLInputElement>('fastpath');
const seedBox = $<HTMLInputElement>('seed');

exampleSel.innerHTML =
  `<optgroup label="Topics">${EXAMPLES.filter((e) => e.kind === 'topic').map((e) => `<option value="${esc(e.name)}">${esc(e.name)}: ${esc(e.title)}</option>`).join('')}</optgroup>` +
  `<optgroup label="Apps (apps/)">${EXAMPLES.filter((e) => e.kind === 'app').map((e) => `<option value="${esc(e.name)}">${esc(e.name)}</option>`).join('')}</optgroup>` +
  '<option value="" disabled>(your program)</option>';

function currentConfig(): RunConfig {
  const source = editor.state.doc.toString();
  const ex = EXAMPLES.find((e) => e.name === exampleSel.value);
  const seed = Number(seedBox.value);
  return {
    name: ex !== undefined && ex.source === source ? ex.name : (state?.config.name !== undefined && !EXAMPLES.some((e) => e.name === state!.config.name) ? state.config.name : 'program'),
    source,
    board: boardSel.value as RunConfig['board'],
    fastpath: fastpathBox.checked,
    seed: Number.isInteger(seed) && seed >= 0 ? seed : 0,
  };
}

function showConfig(c: RunConfig): void {
  setSource(c.source);
  exampleSel.value = EXAMPLES.some((e) => e.name === c.name && e.source === c.source) ? c.name : '';
  if (![...boardSel.options].some((o) => o.value === c.board)) boardSel.add(new Option(c.board, c.board));
  boardSel.value = c.board;
  fastpathBox.checked = c.fastpath;
  seedBox.value = String(c.seed);
}

function load(run: boolean): void {
  const c = currentConfig();
  history.replaceState(null, '', urlFor(c));
  derivation = null;
  send({ type: 'load', config: c, run });
}

exampleSel.onchange = () => {
  const ex = EXAMPLES.find((e) => e.name === exampleSel.value);
  if (ex === undefined) return;
  setSource(ex.source);
  load(true);
};
boardSel.onchange = () => load(true);
fastpathBox.onchange = () => load(true);
seedBox.onchange = () => load(true);
$('run').onclick = () => (state !== null && state.status === 'paused' && state.config.source === editor.state.doc.toString() ? send({ type: 'run' }) : load(true));
$('pause').onclick = () => send({ type: 'pause' });
const speedSel = $<HTMLSelectElement>('speed');
speedSel.onchange = () => send({ type: 'speed', perSecond: speedSel.value === '' ? null : Number(speedSel.value) });
$('step').onclick = () => {
  if (state === null || state.status === 'done' || state.status === 'error' || state.config.source !== editor.state.doc.toString()) {
    load(false);
    return;
  }
  send({ type: 'step' });
};
$('reset').onclick = () => load(false);
const gotoBox = $<HTMLInputElement>('goto');
function goto(step: number): void {
  if (state === null || state.status === 'error' || !Number.isInteger(step) || step < 0) return;
  send({ type: 'goto', step });
}
gotoBox.onchange = () => goto(Number(gotoBox.value));
$('share').onclick = async () => {
  const url = urlFor(currentConfig());
  history.replaceState(null, '', url);
  try {
    await navigator.clipboard.writeText(url);
    $('status').textContent = 'link copied';
  } catch {
    $('status').textContent = 'the link is in the address bar';
  }
};
$('trace').onclick = () => send({ type: 'trace' });

// --------------------------------------------------------------------------------------------
// selection

document.addEventListener('click', (e) => {
  const flow = (e.target as HTMLElement | SVGElement).closest('[data-step]');
  if (flow !== null) {
    // an arrow of the sequence diagram: go to the kernel entry it came from
    goto(Number(flow.getAttribute('data-step')));
    return;
  }
  const el = (e.target as HTMLElement | SVGElement).closest('[data-pick]');
  if (el === null) return;
  const id = el.getAttribute('data-pick')!;
  const ids = (el.getAttribute('data-ids') ?? id).split(' ');
  selected = ids.filter((x) => !x.startsWith('step-'));
  if (id.startsWith('tcb@')) cspaceOwner = id;
  if (el.hasAttribute('data-slot')) send({ type: 'derive', slot: id });
  render();
});

function highlight(): void {
  for (const el of document.querySelectorAll('[data-ids]')) {
    const ids = el.getAttribute('data-ids')!.split(' ');
    el.classList.toggle('sel', selected.length > 0 && ids.some((i) => selected.includes(i)));
  }
}

// --------------------------------------------------------------------------------------------
// drawing

function render(): void {
  const s = state;
  if (s === null) return;
  $('console').textContent = s.console;
  $('errors').textContent = s.errors.join('\n');
  $('summary').textContent = s.summary ?? (s.status === 'error' ? '' : '(the summary appears when the program stops)');
  const k = s.kernel;
  $('threads').innerHTML = threadsView(k, s.threadNames);
  $('objects').innerHTML = objectsView(k, s.threadNames);
  $('sequence').innerHTML = sequenceView(s.flows, k?.threads ?? [], s.threadNames);
  const owner = cspaceOwner !== null && s.cspaces[cspaceOwner] !== undefined ? cspaceOwner : (k?.threads[0]?.id ?? null);
  $('cspace').innerHTML = owner === null ? '' : cspaceView(s.cspaces[owner], owner, s.threadNames);
  $('derivation').innerHTML = derivationView(derivation);
  const us = s.cycles / 3400;
  $('status').textContent =
    s.status === 'error'
      ? 'the program did not load'
      : `${s.status}: ${s.steps.toLocaleString('en-US')} kernel entries, ${us.toFixed(1)} µs at 3.4 GHz (worker ${s.workerMs.toFixed(0)} ms)${firstDoneMs !== null ? `; page ready in ${firstDoneMs.toFixed(0)} ms` : ''}`;
  document.body.dataset['status'] = s.status;
  document.body.dataset['program'] = s.config.name;
  document.body.dataset['steps'] = String(s.steps);
  if (document.activeElement !== gotoBox) gotoBox.value = String(s.steps);
  highlight();
}

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  if (m.type === 'state') {
    state = m.state;
    if (firstDoneMs === null && (m.state.status === 'done' || m.state.status === 'error')) {
      // since navigation started: what a visitor waits for the first output and views
      firstDoneMs = performance.now();
      (window as unknown as { tsel4Ready: number }).tsel4Ready = firstDoneMs;
      if (!EXAMPLES.some((x) => x.source === m.state.config.source)) setTimeout(startChecker, 0);
    }
    render();
  } else if (m.type === 'derivation') {
    derivation = m;
    render();
  } else if (m.type === 'names') {
    completionNames = m.modules;
    const cur = boardSel.value;
    boardSel.innerHTML = m.boards.map((b) => `<option>${esc(b)}</option>`).join('');
    boardSel.value = cur;
  } else if (m.type === 'trace') {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([m.json], { type: 'application/json' }));
    a.download = `${state?.config.name ?? 'tsel4'}.trace.json`;
    a.click();
  }
};

// the first run: straight from the URL
const first = configFromUrl();
showConfig(first);
send({ type: 'load', config: first, run: true });
