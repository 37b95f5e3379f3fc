/*
 * Writes the generated C headers (see src/headers.ts): `npm run gen -w @tsel4/libsel4-native`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateHeaders } from '../src/headers.js';

const INCLUDE = join(dirname(fileURLToPath(import.meta.url)), '../include');
for (const [path, text] of generateHeaders()) {
  mkdirSync(dirname(join(INCLUDE, path)), { recursive: true });
  writeFileSync(join(INCLUDE, path), text);
  console.log(`wrote include/${path}`);
}
