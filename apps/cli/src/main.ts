/*
 * The tsel4 process: registers the module hook that lets a user's own file outside this
 * repository import @tsel4/*, then runs the command line (cli.ts) on the process's streams.
 */
import { register } from 'node:module';
import { main } from './cli.js';
import { startWatchdog } from './watchdog.js';

register('./resolve-hooks.mjs', import.meta.url, { data: { parentURL: import.meta.url, repoURL: new URL('../../../', import.meta.url).href } });

// a program started from `npm start` runs in the repository root; INIT_CWD is where the user was
const cwd = process.env['INIT_CWD'] ?? process.cwd();
process.exitCode = await main(
  process.argv.slice(2),
  { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) },
  cwd,
  { startWatchdog },
);
