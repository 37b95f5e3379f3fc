/*
 * The views, drawn from the worker's state as HTML and SVG strings: threads and ready queues,
 * endpoints and notifications, a thread's CSpace as a tree of CNodes, a cap's derivation tree,
 * and the IPC sequence diagram. Every drawn thing carries `data-ids` (the inspection API's ids of
 * what it shows) so one selection highlights it in every view, and `data-pick` (what clicking it
 * selects).
 */
import type { EndpointInfo, KernelInfo, NotificationInfo, ThreadInfo } from '@tsel4/kernel';
import type { CapInfo, CNodeInfo, DerivationNode, SlotInfo } from '@tsel4/object';
import type { FlowInfo } from './protocol.js';

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

type Names = Readonly<Record<string, string>>;

function threadChip(id: string, names: Names): string {
  return `<span class="chip thread" data-ids="${esc(id)}" data-pick="${esc(id)}">${esc(names[id] ?? id)}</span>`;
}

function objChip(id: string): string {
  const kind = id.split('@')[0]!;
  return `<span class="chip ${esc(kind)}" data-ids="${esc(id)}" data-pick="${esc(id)}">${esc(id)}</span>`;
}

// --------------------------------------------------------------------------------------------
// threads and ready queues

function threadCard(t: ThreadInfo, names: Names): string {
  const facts = [
    `<b class="state s-${esc(t.state)}">${esc(t.state)}</b>`,
    `prio ${t.priority}`,
    t.current ? '<span class="tag cur">running on the CPU</span>' : '',
    t.blockedOn !== null ? `on ${objChip(t.blockedOn)}` : '',
    t.sendBadge !== undefined ? `badge ${esc(t.sendBadge)}${t.isCall ? ' (Call)' : ''}` : '',
    t.boundNotification !== null ? `bound ${objChip(t.boundNotification)}` : '',
    t.fault !== null ? `<span class="tag fault">${esc(t.fault)}</span>` : '',
  ].filter((s) => s !== '');
  return `<div class="card thread-card${t.isIdle ? ' idle' : ''}" data-ids="${esc(t.id)}" data-pick="${esc(t.id)}">
    <div class="card-title">${esc(names[t.id] ?? t.id)} <small>${esc(t.id)}</small></div>
    <div class="facts">${facts.join(' · ')}</div></div>`;
}

export function threadsView(k: KernelInfo | null, names: Names): string {
  if (k === null) return '<p class="empty">no machine</p>';
  const live = k.threads.filter((t) => !t.isIdle);
  const queues =
    k.readyQueues.length === 0
      ? '<p class="empty">every ready queue is empty (the running thread is not in one)</p>'
      : k.readyQueues
          .map((q) => `<div class="queue"><span class="qlabel">prio ${q.priority}${q.domain !== 0 ? ` dom ${q.domain}` : ''}</span> ${q.threads.map((t) => threadChip(t, names)).join('<span class="arrow">→</span>')}</div>`)
          .join('');
  return `<div class="count" data-count="threads">${live.length} thread${live.length === 1 ? '' : 's'} (+ idle)</div>
    <div class="cards">${k.threads.map((t) => threadCard(t, names)).join('')}</div>
    <h4>Ready queues <small>(head first: the scheduler takes the highest priority's head)</small></h4>${queues}`;
}

// --------------------------------------------------------------------------------------------
// endpoints and notifications

function queueRow(q: readonly string[], names: Names): string {
  return q.length === 0 ? '<span class="empty">empty queue</span>' : q.map((t) => threadChip(t, names)).join('<span class="arrow">→</span>');
}

function epCard(e: EndpointInfo, names: Names): string {
  return `<div class="card obj endpoint" data-ids="${esc(e.id)}" data-pick="${esc(e.id)}" data-queue="${e.queue.length}">
    <div class="card-title">endpoint <small>${esc(e.id)}</small> <b class="state">${e.state}</b></div>
    <div class="facts">queue: ${queueRow(e.queue, names)}</div></div>`;
}

function ntfnCard(n: NotificationInfo, names: Names): string {
  return `<div class="card obj notification" data-ids="${esc(n.id)}" data-pick="${esc(n.id)}" data-queue="${n.queue.length}">
    <div class="card-title">notification <small>${esc(n.id)}</small> <b class="state">${n.state}</b></div>
    <div class="facts">word <code>${esc(n.word)}</code>${n.boundTcb !== null ? ` · bound to ${threadChip(n.boundTcb, names)}` : ''} · waiting: ${queueRow(n.queue, names)}</div></div>`;
}

export function objectsView(k: KernelInfo | null, names: Names): string {
  if (k === null) return '';
  if (k.endpoints.length + k.notifications.length === 0) return '<p class="empty">no endpoints or notifications yet</p>';
  return k.endpoints.map((e) => epCard(e, names)).join('') + k.notifications.map((n) => ntfnCard(n, names)).join('');
}

// --------------------------------------------------------------------------------------------
// caps, CSpace and derivation trees

function capFacts(c: CapInfo): string {
  const f: string[] = [];
  if (c.rights !== undefined) f.push(`rights <code>${esc(c.rights)}</code>`);
  if (c.badge !== undefined && c.badge !== '0x0') f.push(`badge <code>${esc(c.badge)}</code>`);
  if (c.guardSize !== undefined) f.push(`guard <code>${esc(c.guard ?? '')}</code>/${c.guardSize} radix ${c.radix}`);
  // seL4's free index (as bytes): boot hands untypeds out with it at the end; the first Retype with no children resets it
  if (c.sizeBits !== undefined) f.push(`2^${c.sizeBits} at <code>${esc(c.base ?? '')}</code>, free index ${c.freeOffset}${c.isDevice ? ' device' : ''}`);
  if (c.mappedAt !== undefined) f.push(`mapped at <code>${esc(c.mappedAt)}</code>`);
  else if (c.asid !== undefined) f.push(`ASID ${c.asid}`);
  if (c.irq !== undefined) f.push(`IRQ ${c.irq}`);
  return f.join(' ');
}

function capType(c: CapInfo): string {
  return `<span class="captype t-${esc(c.type)}">${esc(c.type.replace(/_cap$/, ''))}</span>`;
}

function slotRow(s: SlotInfo, inner = ''): string {
  const ids = [s.id, ...(s.cap.object !== null ? [s.cap.object] : [])].join(' ');
  return `<div class="slot" data-ids="${esc(ids)}" data-pick="${esc(s.id)}" data-slot="${esc(s.id)}">
    <span class="idx">${s.index}</span>${capType(s.cap)}${s.cap.object !== null ? `<span class="objref">${esc(s.cap.object)}</span>` : ''} <span class="capfacts">${capFacts(s.cap)}</span></div>${inner}`;
}

function cnodeBox(cn: CNodeInfo): string {
  const rows = cn.slots.map((s) => {
    const child = s.child;
    const inner = child === undefined ? '' : 'seen' in child ? `<div class="seen">↻ ${esc(child.seen)} (shown above)</div>` : cnodeBox(child);
    return slotRow(s, inner);
  });
  return `<div class="cnode" data-ids="${esc(cn.id)}"><div class="cnode-title">${esc(cn.id)} <small>2^${cn.radix} slots, ${cn.slots.length} in use</small></div>${rows.join('')}</div>`;
}

export function cspaceView(tree: CNodeInfo | null | undefined, owner: string, names: Names): string {
  if (tree === undefined) return '<p class="empty">select a thread</p>';
  if (tree === null) return `<p class="empty">${esc(names[owner] ?? owner)} has no CSpace</p>`;
  return `<p class="sub">the CSpace of ${threadChip(owner, names)}: its CNodes, each occupied slot's cap (click a slot for its derivation tree)</p>${cnodeBox(tree)}`;
}

function derivNode(n: DerivationNode): string {
  return `<li>${slotRow(n.slot)}${n.children.length > 0 ? `<ul>${n.children.map(derivNode).join('')}</ul>` : ''}</li>`;
}

export function derivationView(d: { slot: string; tree: DerivationNode | null; ancestors: readonly SlotInfo[] } | null): string {
  if (d === null) return '<p class="empty">select a slot in the CSpace view</p>';
  if (d.tree === null) return `<p class="empty">${esc(d.slot)} is empty now</p>`;
  const up = d.ancestors.length === 0 ? '' : `<p class="sub">derived from</p><ul class="ancestors">${[...d.ancestors].reverse().map((a) => `<li>${slotRow(a)}</li>`).join('')}</ul>`;
  const n = count(d.tree) - 1;
  return `${up}<p class="sub">this cap and what derives from it: revoking it deletes <b data-count="revoke">${n}</b> cap${n === 1 ? '' : 's'}</p><ul class="dtree">${derivNode(d.tree)}</ul>`;
}

function count(n: DerivationNode): number {
  return 1 + n.children.reduce((a, c) => a + count(c), 0);
}

// --------------------------------------------------------------------------------------------
// the IPC sequence diagram

const LANE = 130;
const ROW = 26;

export function sequenceView(flows: readonly FlowInfo[], threads: readonly ThreadInfo[], names: Names): string {
  if (flows.length === 0) return '<p class="empty">no IPC yet</p>';
  const order = threads.map((t) => t.id);
  const lanes = order.filter((id) => flows.some((f) => f.from === id || f.to === id));
  for (const f of flows) for (const id of [f.from, f.to]) if (!lanes.includes(id)) lanes.push(id);
  const x = (id: string) => 70 + lanes.indexOf(id) * LANE;
  const shown = flows.slice(-300);
  const h = 40 + shown.length * ROW + 10;
  const w = 70 + lanes.length * LANE;
  const parts: string[] = [];
  for (const id of lanes) {
    parts.push(
      `<g data-ids="${esc(id)}" data-pick="${esc(id)}" class="lane"><text x="${x(id)}" y="16" text-anchor="middle">${esc(names[id] ?? id)}</text><line x1="${x(id)}" y1="24" x2="${x(id)}" y2="${h}" /></g>`,
    );
  }
  shown.forEach((f, i) => {
    const y = 44 + i * ROW;
    const x1 = x(f.from);
    const x2 = x(f.to);
    const dir = x2 >= x1 ? 1 : -1;
    const label = `${f.syscall.replace(/^seL4_/, '')}${f.label !== undefined && f.kind !== 'reply' ? ` l=${f.label}` : ''}${f.badge !== '0x0' ? ` b=${f.badge}` : ''}`;
    const self = x1 === x2;
    const path = self ? `M${x1} ${y - 6} h30 v12 h-26` : `M${x1} ${y} L${x2 - dir * 6} ${y}`;
    parts.push(
      `<g class="flow k-${f.kind}${f.fastpath ? ' fast' : ''}" data-ids="${esc(f.from)} ${esc(f.to)} step-${f.step}" data-step="${f.step}" data-kind="${f.kind}">
        <title>kernel entry ${f.step}: ${esc(f.syscall)} (${f.kind}${f.fastpath ? ', fastpath' : ', slow path'}) badge ${esc(f.badge)}${f.label !== undefined ? ` label ${f.label} length ${f.length}` : ''}</title>
        <text class="stepno" x="4" y="${y + 4}">#${f.step}</text>
        <path d="${path}" marker-end="url(#ah)" /><text x="${(x1 + x2) / 2 + (self ? 40 : 0)}" y="${y - 4}" text-anchor="middle">${esc(label)}${f.fastpath ? ' ⚡' : ''}</text></g>`,
    );
  });
  return `<p class="sub">${flows.length} transfer${flows.length === 1 ? '' : 's'} (⚡ fastpath; #n = the kernel entry it happened in: click an arrow to go there; hover for details)</p>
  <svg class="seq" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" data-count="arrows" data-n="${shown.length}">
  <defs><marker id="ah" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" /></marker></defs>
  ${parts.join('')}</svg>`;
}
