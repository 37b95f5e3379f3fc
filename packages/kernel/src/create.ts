/*
 * Building a kernel on a board: the state, the configuration and the hooks the object layer
 * calls back through.
 */

import type { Board } from '@tsel4/hal';
import { CapType, type KernelHooks, type Tcb } from '@tsel4/object';
import { type KernelConfig, kernelConfig } from './config.js';
import { cancelAllIPC, cancelBadgedSends } from './ipc.js';
import { freeIOPortRange } from './ioport.js';
import { deletedIRQHandler, deletingIRQHandler } from './irq.js';
import { Kernel } from './kernel.js';
import { cancelAllSignals } from './signal.js';
import { archFinaliseCap } from './vspace.js';
import { suspend } from './threads.js';

/** seL4's preemptionPoint: count a unit of work; after enough, stop if an interrupt is pending. */
export function preemptionPoint(k: Kernel): boolean {
  k.workUnitsCompleted++;
  k.board.cpu.advance(k.config.workUnitCycles);
  if (k.workUnitsCompleted >= k.config.workUnitsPerPreemption) {
    k.workUnitsCompleted = 0;
    if (k.board.irq.active() >= 0) {
      k.counters.preemptions++;
      return true;
    }
  }
  return false;
}

function hooksFor(k: Kernel): KernelHooks {
  return {
    cancelAllIPC: (ep) => cancelAllIPC(k, ep),
    cancelAllSignals: (ntfn) => cancelAllSignals(k, ntfn),
    cancelBadgedSends: (ep, lo, hi) => cancelBadgedSends(k, ep, lo, hi),
    suspend: (tcb: Tcb) => {
      suspend(k, tcb);
      k.tcbs.delete(tcb);
    },
    deletingIRQHandler: (irq) => deletingIRQHandler(k, irq),
    postCapDeletion: (cap) => {
      if (cap.type === CapType.IrqHandler) deletedIRQHandler(k, cap.irq);
      else if (cap.type === CapType.IOPort) freeIOPortRange(k, cap.firstPort, cap.lastPort);
    },
    preemptionPoint: () => preemptionPoint(k),
    tcbCreated: (tcb) => {
      // seL4 debug builds name new threads after their creator
      tcb.name = `child of: '${k.curThread.name}'`;
      k.tcbs.add(tcb);
      k.onTcbCreated?.(tcb);
    },
    currentDomain: () => k.curDomain,
    archFinalise: (cap, final) => archFinaliseCap(k, cap, final),
  };
}

/** A kernel on `board`, not yet booted (see bootKernel). */
export function createKernel(board: Board, config: Partial<KernelConfig> = {}): Kernel {
  return new Kernel(board, kernelConfig(config), hooksFor);
}
