/*
 * The messages between the page and the kernel's Web Worker, and the state the worker sends after
 * each batch of kernel entries. Everything is plain data (structured-clone safe): the kernel's
 * objects never leave the worker; the page sees them through the inspection API's pictures.
 */
import type { BoardName } from '@tsel4/hal';
import type { KernelInfo } from '@tsel4/kernel';
import type { CNodeInfo, DerivationNode, SlotInfo } from '@tsel4/object';

/** What a run is: the program and the machine's options (all of it goes in a shared link). */
export interface RunConfig {
  readonly name: string;
  readonly source: string;
  readonly board: BoardName;
  readonly fastpath: boolean;
  readonly seed: number;
}

export type ToWorker =
  | { readonly type: 'load'; readonly config: RunConfig; readonly run: boolean }
  | { readonly type: 'run' }
  | { readonly type: 'pause' }
  /** Kernel entries per second while running (null: as fast as it goes). */
  | { readonly type: 'speed'; readonly perSecond: number | null }
  | { readonly type: 'step' }
  /** Boot again if needed and run to the end of kernel entry `step` (0: just booted), then pause. */
  | { readonly type: 'goto'; readonly step: number }
  | { readonly type: 'derive'; readonly slot: string }
  | { readonly type: 'trace' };

/** One arrow of the sequence diagram: a message or a signal between two threads. */
export interface FlowInfo {
  readonly kind: 'call' | 'send' | 'reply' | 'fault' | 'signal';
  /** Thread ids ("tcb@0x...") of the sender and the receiver. */
  readonly from: string;
  readonly to: string;
  /** The sender's kernel entry: "seL4_Call", "seL4_ReplyRecv", "seL4_Signal", "fault: VMFault" */
  readonly syscall: string;
  readonly fastpath: boolean;
  readonly badge: string;
  /** The message info the sender passed: label and length. */
  readonly label?: number;
  readonly length?: number;
  /** The kernel entry (1, 2, ...) the transfer happened in, and its time in simulated cycles. */
  readonly step: number;
  readonly at: number;
}

/** Where the run is. */
export type RunStatus = 'loaded' | 'running' | 'paused' | 'done' | 'error';

export interface WorldState {
  readonly status: RunStatus;
  readonly config: RunConfig;
  /** Kernel entries so far. */
  readonly steps: number;
  readonly cycles: number;
  /** The console as the CLI prints it (without the CLI's first "tsel4: running" line). */
  readonly console: string;
  /** The CLI's summary table, once the program has stopped. */
  readonly summary: string | null;
  /** One line per failure (a thread threw, the step limit), as the CLI prints them to stderr. */
  readonly errors: readonly string[];
  readonly kernel: KernelInfo | null;
  /** The CSpace of each thread, by thread id (threads sharing a CSpace share one picture). */
  readonly cspaces: Readonly<Record<string, CNodeInfo | null>>;
  readonly flows: readonly FlowInfo[];
  /** Names of the threads by id, as the trace names them. */
  readonly threadNames: Readonly<Record<string, string>>;
  /** How long the last load/run took in the worker (ms), for the page's status line. */
  readonly workerMs: number;
}

export type FromWorker =
  | { readonly type: 'state'; readonly state: WorldState }
  | { readonly type: 'derivation'; readonly slot: string; readonly tree: DerivationNode | null; readonly ancestors: readonly SlotInfo[] }
  | { readonly type: 'trace'; readonly json: string }
  /** Sent once at start: the names a program can import, for the editor's completion. */
  | { readonly type: 'names'; readonly modules: Readonly<Record<string, readonly string[]>>; readonly boards: readonly BoardName[] };
