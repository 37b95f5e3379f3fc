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

/** seL4_CapRights_new: each argument's low bit is taken, as the C bitfield does. */
export function seL4_CapRights_new(
  grantReply: number,
  grant: number,
  read: number,
  write: number,
): seL4_CapRights_t {
  return ((grantReply & 1) << 3) | ((grant & 1) << 2) | ((read & 1) << 1) | (write & 1);
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
