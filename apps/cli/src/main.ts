/*
 * The tsel4 command line. For now it prints the default board and its ABI; running programs
 * arrives with the kernel.
 */
import { BoardConfigError, createBoard } from '@tsel4/hal';
import { boardSummary } from './summary.js';

export function main(argv: readonly string[]): number {
  const board = argv.includes('--board') ? argv[argv.indexOf('--board') + 1] : undefined;
  try {
    console.log(boardSummary(createBoard(board)));
    return 0;
  } catch (e) {
    if (e instanceof BoardConfigError) {
      console.error(`tsel4: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

process.exitCode = main(process.argv.slice(2));
