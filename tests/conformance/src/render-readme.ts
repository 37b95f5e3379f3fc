/*
 * Rewrite the README's table from the inventory: `npm run table -w tests/conformance` after
 * changing src/inventory.ts (test/readme.test.ts fails until the README matches).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { README_BEGIN, README_END, renderReadmeBlock } from './inventory.js';

const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'README.md');
const text = readFileSync(file, 'utf8');
const start = text.indexOf(README_BEGIN);
const end = text.indexOf(README_END);
if (start < 0 || end < start) throw new Error('README.md has no table markers');
writeFileSync(file, `${text.slice(0, start + README_BEGIN.length)}\n\n${renderReadmeBlock()}\n${text.slice(end)}`);
