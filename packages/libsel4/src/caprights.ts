/*
 * seL4_CapRights_t (digest 1.6): bit 0 Write, bit 1 Read, bit 2 Grant, bit 3 GrantReply, the same
 * on every word size. Constructor order is (grantReply, grant, read, write), as in C.
 */

export type seL4_CapRights_t = number;

export const CAP_RIGHT_WRITE = 1;
export const CAP_RIGHT_READ = 2;
export const CAP_RIGHT_GRANT = 4;
export const CAP_RIGHT_GRANT_REPLY = 8;
export const CAP_RIGHTS_MASK = 0xf;

/** One right: 0 or 1 (or a boolean), as C libsel4's debug assert on the 1-bit field requires. */
function right(arg: string, v: number | boolean): number {
  if (v === 0 || v === 1) return v;
  if (v === true || v === false) return v ? 1 : 0;
  const what = typeof v === 'number' ? String(v) : typeof v === 'string' ? JSON.stringify(v) : `a ${typeof v}`;
  throw new RangeError(`seL4_CapRights_new: ${arg} = ${what} does not fit its 1-bit field (0 or 1)`);
}

/** seL4_CapRights_new(grantReply, grant, read, write): each right 0 or 1; anything else throws. */
export function seL4_CapRights_new(
  grantReply: number | boolean,
  grant: number | boolean,
  read: number | boolean,
  write: number | boolean,
): seL4_CapRights_t {
  return (right('grantReply', grantReply) << 3) | (right('grant', grant) << 2) | (right('read', read) << 1) | right('write', write);
}

export const seL4_NoRights: seL4_CapRights_t = seL4_CapRights_new(0, 0, 0, 0);
export const seL4_CanWrite: seL4_CapRights_t = seL4_CapRights_new(0, 0, 0, 1);
export const seL4_CanRead: seL4_CapRights_t = seL4_CapRights_new(0, 0, 1, 0);
export const seL4_ReadWrite: seL4_CapRights_t = seL4_CapRights_new(0, 0, 1, 1);
export const seL4_CanGrant: seL4_CapRights_t = seL4_CapRights_new(0, 1, 0, 0);
export const seL4_CanGrantReply: seL4_CapRights_t = seL4_CapRights_new(1, 0, 0, 0);
export const seL4_AllRights: seL4_CapRights_t = seL4_CapRights_new(1, 1, 1, 1);
export const seL4_NoWrite: seL4_CapRights_t = seL4_CapRights_new(1, 1, 1, 0);
export const seL4_NoRead: seL4_CapRights_t = seL4_CapRights_new(1, 1, 0, 1);

export function seL4_CapRights_get_capAllowWrite(r: seL4_CapRights_t): number {
  return r & 1;
}
export function seL4_CapRights_get_capAllowRead(r: seL4_CapRights_t): number {
  return (r >>> 1) & 1;
}
export function seL4_CapRights_get_capAllowGrant(r: seL4_CapRights_t): number {
  return (r >>> 2) & 1;
}
export function seL4_CapRights_get_capAllowGrantReply(r: seL4_CapRights_t): number {
  return (r >>> 3) & 1;
}

/** Rights as text, "RWGP" style with '-' for a missing right (W, R, G, GR order as in seL4). */
export function capRightsToString(r: seL4_CapRights_t): string {
  return (
    (r & CAP_RIGHT_WRITE ? 'W' : '-') +
    (r & CAP_RIGHT_READ ? 'R' : '-') +
    (r & CAP_RIGHT_GRANT ? 'G' : '-') +
    (r & CAP_RIGHT_GRANT_REPLY ? 'P' : '-')
  );
}
