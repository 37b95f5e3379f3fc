#!/usr/bin/env node
// Runs the CLI from its TypeScript sources (no build step): tsx loads them, and the `source`
// export condition points every @tsel4 package at its src/. tsx is resolved from here, so the
// command works from any folder.
import { spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const main = join(dirname(fileURLToPath(import.meta.url)), '../src/main.ts');
const tsx = import.meta.resolve('tsx');
const r = spawnSync(process.execPath, ['--conditions=source', '--import', tsx, main, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
// a child ended by a signal exits as a shell reports it: 128 + the signal's number
process.exit(r.status ?? 128 + (r.signal !== null ? (constants.signals[r.signal] ?? 0) : 0));
