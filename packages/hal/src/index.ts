/**
 * @tsel4/hal: the simulated board that tsel4's kernel runs on. See README.md.
 *
 * @module @tsel4/hal
 */
export * from './word.js';
export * from './arch.js';
export * from './memory.js';
export * from './cpu.js';
export * from './board.js';
export * from './ioports.js';
export * from './uart16550.js';
