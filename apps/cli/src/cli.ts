/*
 * The tsel4 command line: `run`, `list`, `init`, `board`, `--help`, `--version`. main() takes the
 * arguments and where to write, and returns the exit code, so tests drive it in-process; main.ts
 * is the process entry. Usage mistakes are one line on stderr and exit code 2, never a stack trace.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BOARD_NAMES, BOARDS, BoardConfigError, createBoard } from '@tsel4/hal';
import { DEFAULT_MAX_STEPS, DEFAULT_TIMEOUT_S, parseRunArgs, UsageError } from './args.js';
import { DEFAULT_APP, findProgram, listApps, loadRootTask } from './apps.js';
import { checkProgram, formatFindings } from './check.js';
import { initProject } from './init.js';
import { cSources, runCFiles } from './runc.js';
import { elfFile, runElfFile } from './runelf.js';
import { EXIT, type Output, type RunHooks, runProgram } from './run.js';
import { boardSummary } from './summary.js';

function isApp(name: string): boolean {
  return listApps().some((a) => a.name === name);
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

export const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export const HELP = `tsel4 ${VERSION}: seL4's objects, capabilities and IPC in TypeScript, on a simulated board

usage:
  tsel4 run [APP|FILE] [options]  run an app from apps/ (default: ${DEFAULT_APP}), or your own .ts/.js
                                  file whose default export is a root task (a generator function)
  tsel4 run FILE.c... [options]   compile C files written for libsel4 (int main(void)) and run them
                                  as the root task through the native C bridge (pc99 only)
  tsel4 check FILE.ts...          type-check programs with tsel4's types and find syscalls that are
                                  never made (a missing yield*) and plain yields in threads
  tsel4 run FILE.elf [options]    run a root-task ELF built for seL4 on riscv64, unchanged, on the
                                  RISC-V CPU (qemu-riscv-virt)
  tsel4 list                      the apps and boards
  tsel4 init DIR                  a project of your own in DIR (outside this repository): a
                                  package.json and a tsconfig.json with which an editor and tsc
                                  check your program against tsel4's packages, and a main.ts
  tsel4 board [BOARD]             a board and the ABI it runs
  tsel4 --help | --version

run options:
  --board BOARD       ${BOARD_NAMES.join(', ')} (default pc99)
  --fastpath on|off   seL4's IPC fastpath (default on)
  --trace FILE        write the run as Chrome trace-event JSON, to open in ui.perfetto.dev
  --max-steps N       stop after N returns to user level (default ${DEFAULT_MAX_STEPS})
  --seed N            given to the root task in its second argument register (default 0)
  --timeout S         stop a run that makes no kernel progress for S seconds of wall-clock time
                      (a loop with no syscall; default ${DEFAULT_TIMEOUT_S}, 0 for none)
  --quiet-kernel      do not show what a debug seL4 prints (unhandled faults, the scheduler dump,
                      debug halt); shown by default, on stdout with the console
  --kernel-log        also print seL4's userError messages (why an invocation failed) on stderr
  --no-check          run a .ts file without checking it first (tsel4 check)

exit codes: 0 the program ran to its end; 1 a thread threw, or --max-steps stopped it (tsel4 check:
problems found); 2 a usage mistake, or a program that does not build or check; 3 a thread stopped in a fault nobody handles;
4 the watchdog stopped it (--timeout); 5 more C threads than the native bridge holds
`;

function list(io: Output): void {
  const apps = listApps();
  const w = Math.max(...apps.map((a) => a.name.length), ...BOARD_NAMES.map((b) => b.length));
  io.out('apps (tsel4 run APP):\n');
  for (const a of apps) io.out(`  ${a.name.padEnd(w)}  ${a.description}${a.name === DEFAULT_APP ? ' (the default)' : ''}\n`);
  io.out('boards (--board BOARD):\n');
  for (const b of BOARD_NAMES) io.out(`  ${b.padEnd(w)}  ${BOARDS[b].description}\n`);
}

/** The commands main() dispatches (and `npm start -- COMMAND` reaches). */
export const COMMANDS = ['run', 'check', 'list', 'board', 'init', 'help', 'version'] as const;

/**
 * The root `npm start` script runs `main.ts --npm-start ARGS`: ARGS that begin with a command
 * (`npm start -- list`) or --help/--version run as given, anything else (an app, a file, run
 * options, nothing) is `run ARGS`.
 */
export function npmStartArgs(args: readonly string[]): readonly string[] {
  const first = args[0];
  if (first !== undefined && ((COMMANDS as readonly string[]).includes(first) || ['--help', '-h', '--version', '-V'].includes(first))) return args;
  return ['run', ...args];
}

/** Run the command line `argv` (without node and the script); `cwd` resolves relative paths. */
export async function main(commandLine: readonly string[], io: Output, cwd = process.cwd(), hooks: RunHooks = {}): Promise<number> {
  const argv = commandLine[0] === '--npm-start' ? npmStartArgs(commandLine.slice(1)) : commandLine;
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
          return runCFiles(cFiles, { ...opts, trace }, io, cwd, hooks);
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
        // a file of the user's (not an app of this repository, which the project's build checks)
        if (opts.check && prog.path.endsWith('.ts') && opts.target !== undefined && !isApp(opts.target)) {
          const findings = checkProgram(prog.path);
          if (findings.length > 0) {
            io.err(formatFindings(findings, cwd));
            io.err(`tsel4: ${prog.name} did not pass tsel4 check (${plural(findings.length, 'problem')}); not run (--no-check runs it anyway)\n`);
            return EXIT.usage;
          }
        }
        const root = await loadRootTask(prog);
        return runProgram(prog, root, { ...opts, trace }, io, hooks);
      }
      case 'check': {
        const files = rest.filter((a) => !a.startsWith('-'));
        const bad = rest.find((a) => a.startsWith('-'));
        if (bad !== undefined) throw new UsageError(`unknown option '${bad}' for check (check takes .ts files)`);
        if (files.length === 0) throw new UsageError('check takes one or more .ts files');
        let problems = 0;
        for (const f of files) {
          const path = resolve(cwd, f);
          if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError(`no file '${f}'`);
          if (!/\.m?ts$/.test(path)) throw new UsageError(`'${f}' is not a TypeScript file (.ts, .mts)`);
          const findings = checkProgram(path);
          io.err(formatFindings(findings, cwd));
          problems += findings.length;
        }
        if (problems > 0) {
          io.err(`tsel4: ${plural(problems, 'problem')}\n`);
          return EXIT.failed;
        }
        io.out(`tsel4: ${files.join(', ')}: no problems\n`);
        return EXIT.ok;
      }
      case 'list':
        if (rest.length > 0) throw new UsageError(`list takes no arguments, got '${rest[0]}'`);
        list(io);
        return 0;
      case 'init': {
        if (rest.length !== 1) throw new UsageError(rest.length === 0 ? 'init needs a folder: tsel4 init DIR' : `init takes one folder, got '${rest.join(' ')}'`);
        for (const line of initProject(rest[0]!, cwd)) io.out(line + '\n');
        return 0;
      }
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
            : `unknown command '${cmd}' (commands: run, check, list, init, board, help)`,
        );
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof BoardConfigError) {
      io.err(`tsel4: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}
