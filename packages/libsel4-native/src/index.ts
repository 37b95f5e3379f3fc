/**
 * @tsel4/libsel4-native: the native C bridge. C programs written against libsel4 run on a tsel4
 * machine unchanged: our C headers (include/sel4/sel4.h, generated from the same tables as the
 * TypeScript API), a small shim that runs each seL4 thread's C code on its own stack on the JS
 * thread, and board RAM the C code can address. See README.md.
 *
 * @module @tsel4/libsel4-native
 */
export { bridgeStatus, type BridgeStatus, type Toolchain } from './toolchain.js';
export { type BuildOptions, CompileError, INCLUDE_DIR, SourceNotFoundError } from './build.js';
export { BridgeError, MAX_C_THREADS, ThreadLimitError } from './shim.js';
export { NativeRam } from './ram.js';
export { CThread } from './cthread.js';
export { CProgram, type NativeMachineOptions } from './program.js';
export { generateHeaders, HEADER_ARCH } from './headers.js';
