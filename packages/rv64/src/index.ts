/**
 * @tsel4/rv64: a RISC-V 64-bit user-level CPU (RV64GC) for tsel4's boards. See README.md.
 *
 * @module @tsel4/rv64
 */
export { BUDGET_EXHAUSTED, Rv64Cpu, type Rv64Options } from './cpu.js';
export { decode } from './decode.js';
export { Op, OP_NAMES, type OpName } from './ops.js';
export {
  Access,
  Cause,
  FlatMemory,
  invalidateCode,
  newPage,
  type DecodedPage,
  type Rv64Page,
  type Rv64Translator,
} from './memory.js';
export * as softfloat from './softfloat.js';
export { ElfError, parseElf, type ElfImage, type ElfSegment } from './elf.js';
export { CRC32_LOOP, crc32LoopInstructions, halfwordsToBytes, PINGPONG, PINGPONG_CLIENT, PINGPONG_SERVER } from './programs.js';
