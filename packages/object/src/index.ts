/**
 * @tsel4/object: seL4's kernel objects and the operations that belong to them, without
 * scheduling. See README.md.
 *
 * @module @tsel4/object
 */
export * from './cap.js';
export * from './capops.js';
export * from './capregion.js';
export * from './cte.js';
export * from './cnode.js';
export * from './errors.js';
export * from './kobject.js';
export * from './tcb.js';
export * from './mdb.js';
export * from './notification.js';
export * from './finalise.js';
export * from './untyped.js';
export * from './cnodeops.js';
export * from './space.js';
export * from './inspect.js';
export * from './captree.js';
