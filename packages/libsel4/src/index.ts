/**
 * @tsel4/libsel4: seL4's ABI (constants, error codes, object types, syscall numbers, fault
 * layouts, the MessageInfo / CapRights / CNode cap-data encodings, the IPC buffer and bootinfo
 * layouts) and the interface table that both the kernel's decoders and the user stubs read.
 * See README.md.
 *
 * @module @tsel4/libsel4
 */
export * from './constants.js';
export * from './errors.js';
export * from './syscalls.js';
export * from './objecttypes.js';
export * from './faults.js';
export * from './captags.js';
export * from './messageinfo.js';
export * from './caprights.js';
export * from './cnodecapdata.js';
export * from './ipcbuffer.js';
export * from './bootinfo.js';
export * from './interface.js';
export * from './methoderrors.js';
export * from './vspace.js';
export * from './user/index.js';
