/*
 * The tsel4 command line: `run`, `list`, `board`, `--help`, `--version`. main() takes the
 * arguments and where to write, and returns the exit code, so tests drive it in-process; main.ts
 * is the process entry. Usage mistakes are one line on stderr and exit code 2, never a stack trace.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BOARD_NAMES, BOARDS, BoardConfigError, createBoard } from '@tsel4/hal';
import { DEFAULT_MAX_STEPS, parseRunArgs, UsageError } from './args.js';
import { DEFAULT_APP, findProgram, listApps, loadRootTask } from './apps.js';
import { cSources, runCFiles } from './runc.js';
import { elfFile, runElfFile } from './runelf.js';
import { type Output, runProgram } from './run.js';
import { boardSummary } from './summary.js';

export const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export const HELP = `tsel4 ${VERSION}: seL4's objects, capabilities and IPC in TypeScript, on a simulated board

usage:
  tsel4 run [APP|FILE] [options]  run an app from apps/ (default: ${DEFAULT_APP}), or your own .ts/.js
                                  file whose default export is a root task (a generator function)
  tsel4 run FILE.c... [options]   compile C files written for libsel4 (int main(void)) and run them
                                  as the root task through the native C bridge (pc99 only)
  tsel4 run FILE.elf [options]    run a root-task ELF built for seL4 on riscv64, unchanged, on the
                                  RISC-V CPU (qemu-riscv-virt)
  tsel4 list                      the apps and boards
  tsel4 board [BOARD]             a board and the ABI it runs
  tsel4 --help | --version

run options:
  --board BOARD       ${BOARD_NAMES.join(', ')} (default pc99)
  --fastpath on|off   seL4's IPC fastpath (default on)
  --trace FILE        write the run as Chrome trace-event JSON, to open in ui.perfetto.dev
  --max-steps N       stop after N returns to user level (default ${DEFAULT_MAX_STEPS})
  --seed N            given to the root task in its second argument register (default 0)
  --kernel-log        print seL4's kernel debug messages on stderr

exit codes: 0 the program ran to its end, 1 a thread threw or a limit stopped it, 2 a usage mistake
`;

function list(io: Output): void {
  const apps = listApps();
  const w = Math.max(...apps.map((a) => a.name.length), ...BOARD_NAMES.map((b) => b.length));
  io.out('apps (tsel4 run APP):\n');
  for (const a of apps) io.out(`  ${a.name.padEnd(w)}  ${a.description}${a.name === DEFAULT_APP ? ' (the default)' : ''}\n`);
  io.out('boards (--board BOARD):\n');
  for (const b of BOARD_NAMES) io.out(`  ${b.padEnd(w)}  ${BOARDS[b].description}\n`);
}

/** Run the command line `argv` (without node and the script); `cwd` resolves relative paths. */
export async function main(argv: readonly string[], io: Output, cwd = process.cwd()): Promise<number> {
  try {
    const [cmd, ...rest] = argv;
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help' || rest.includes('--help') || rest.includes('-h')) {
      io.out(HELP);
      return 0;
    }
    if (cmd === '--version' || cmd === '-V' || cmd === 'version') {
      io.out(`tsel4 ${VERSION}\n`);
      return 0;
    }
    switch (cmd) {
      case 'run': {
        const cFiles = cSources(rest);
        if (cFiles.length > 0) {
          const opts = parseRunArgs(rest.filter((a) => !cFiles.includes(a)));
          const trace = opts.trace === undefined ? undefined : resolve(cwd, opts.trace);
          return runCFiles(cFiles, { ...opts, trace }, io, cwd);
        }
        const elf = elfFile(rest);
        if (elf !== undefined) {
          const opts = parseRunArgs(rest.filter((a) => a !== elf));
          const trace = opts.trace === undefined ? undefined : resolve(cwd, opts.trace);
          return runElfFile(elf, { ...opts, trace }, rest.includes('--board'), io, cwd);
        }
        const opts = parseRunArgs(rest);
        const prog = findProgram(opts.target ?? DEFAULT_APP, cwd);
        let trace = opts.trace;
        if (trace !== undefined) {
          trace = resolve(cwd, trace);
          const dir = dirname(trace);
          if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`--trace ${opts.trace}: the folder ${dir} does not exist`);
        }
        const root = await loadRootTask(prog);
        return runProgram(prog, root, { ...opts, trace }, io);
      }
      case 'list':
        if (rest.length > 0) throw new UsageError(`list takes no arguments, got '${rest[0]}'`);
        list(io);
        return 0;
      case 'board': {
        if (rest.length > 1) throw new UsageError(`board takes one board name, got '${rest.join(' ')}'`);
        const name = rest[0];
        if (name !== undefined && !(BOARD_NAMES as readonly string[]).includes(name)) {
          throw new UsageError(`unknown board '${name}' (boards: ${BOARD_NAMES.join(', ')})`);
        }
        io.out(boardSummary(createBoard(name)) + '\n');
        return 0;
      }
      default:
        throw new UsageError(
          cmd.startsWith('-')
            ? `unknown option '${cmd}' (options before a command: --help, --version; run options go after 'run')`
            : `unknown command '${cmd}' (commands: run, list, board, help)`,
        );
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof BoardConfigError) {
      io.err(`tsel4: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
