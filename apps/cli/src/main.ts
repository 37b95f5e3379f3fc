/*
 * The tsel4 command line. `tsel4 run FILE.c ...` runs a C root task through the native bridge
 * (runc.ts); otherwise it prints the default board and its ABI.
 */
import { BoardConfigError, createBoard } from '@tsel4/hal';
import { isCRun, runCFiles } from './runc.js';
import { boardSummary } from './summary.js';

export function main(argv: readonly string[]): number {
  if (argv[0] === 'run' && isCRun(argv.slice(1))) return runCFiles(argv.slice(1));
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
