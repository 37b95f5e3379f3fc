/*
 * Binding notifications to TCBs (seL4: bindNotification, unbindNotification,
 * unbindMaybeNotification in src/object/notification.c). Pure data: the link is symmetric, one
 * TCB to one notification.
 */

import type { Notification } from './kobject.js';
import type { Tcb } from './tcb.js';

/** seL4's bindNotification. */
export function bindNotification(tcb: Tcb, ntfn: Notification): void {
  ntfn.boundTcb = tcb;
  tcb.boundNotification = ntfn;
}

/** seL4's unbindNotification: drop `tcb`'s binding, if any. */
export function unbindNotification(tcb: Tcb): void {
  const ntfn = tcb.boundNotification;
  if (ntfn !== null) {
    ntfn.boundTcb = null;
    tcb.boundNotification = null;
  }
}

/** seL4's unbindMaybeNotification: drop `ntfn`'s binding, if any. */
export function unbindMaybeNotification(ntfn: Notification): void {
  const tcb = ntfn.boundTcb;
  if (tcb !== null) {
    ntfn.boundTcb = null;
    tcb.boundNotification = null;
  }
}
