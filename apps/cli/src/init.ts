/*
 * `tsel4 init DIR`: a project of the user's own outside this repository. It writes a
 * package.json (`npm start` runs the program with this repository's tsel4, `npm run check`
 * type-checks it with this repository's TypeScript) and a tsconfig.json whose `paths` point
 * every `@tsel4/*` import at this repository's package sources, so an editor and `tsc` check the
 * program with no install and no build. A starter main.ts is written if the folder has none.
 * Nothing that exists is overwritten.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from './args.js';

/** This repository's root (this file is apps/cli/src/init.ts). */
const REPO = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');

/** The compiler options of the project: the repository's own strictness, checking only. */
export function projectTsconfig(repo = REPO): object {
  return {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2022'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noUncheckedIndexedAccess: true,
      noImplicitOverride: true,
      noFallthroughCasesInSwitch: true,
      verbatimModuleSyntax: true,
      isolatedModules: true,
      skipLibCheck: true,
      noEmit: true,
      // Node's types (console, ...), from this repository's node_modules
      typeRoots: [`${repo}/node_modules/@types`],
      types: ['node'],
      // tsel4's packages, from this repository's sources (no install, no build)
      paths: { '@tsel4/*': [`${repo}/packages/*/src/index.ts`] },
    },
    include: ['**/*.ts'],
    exclude: ['node_modules'],
  };
}

const STARTER = `// A root task for tsel4: a default-exported generator function; each syscall is a yield*.
// Run it with \`npm start\`; check it with \`npm run check\`.
import * as L from '@tsel4/libsel4';
import { Allocator, mint, println, spawn } from '@tsel4/sel4utils';

type Code = Generator<L.TrapToken, void, unknown>;

function* echo(ep: number): Code {
  const badge = { value: 0 as L.seL4_Word };
  yield* L.seL4_Recv(ep, badge);
  for (;;) {
    yield* println(\`echo: \${L.seL4_GetMR(0)} from badge \${badge.value}\`);
    yield* L.seL4_ReplyRecv(ep, L.seL4_MessageInfo_new(0, 0, 0, 1), badge);
  }
}

export default function* main(): Code {
  const alloc = new Allocator(L.seL4_GetBootInfo());
  const ep = yield* alloc.allocObject(L.seL4_EndpointObject);
  yield* spawn(alloc, echo, [ep], { priority: 254 });
  const client = yield* mint(alloc, ep, 1);
  L.seL4_SetMR(0, 42);
  yield* L.seL4_Call(client, L.seL4_MessageInfo_new(0, 0, 0, 1));
  yield* println('main: done');
}
`;

/** Write the project into `dir` (relative to `cwd`); returns the lines to print. */
export function initProject(dir: string, cwd: string, repo = REPO): string[] {
  const target = resolve(cwd, dir);
  if (existsSync(target) && !statSync(target).isDirectory()) throw new UsageError(`init: '${dir}' is a file, not a folder`);
  const inside = relative(repo, target);
  if (inside === '' || (!inside.startsWith('..') && !inside.startsWith('/'))) {
    throw new UsageError(`init: '${dir}' is inside the tsel4 repository; a project of your own goes outside it`);
  }
  for (const f of ['package.json', 'tsconfig.json']) {
    if (existsSync(join(target, f))) throw new UsageError(`init: ${join(dir, f)} exists; init writes only into a folder without one`);
  }
  mkdirSync(target, { recursive: true });
  const name = basename(target).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '') || 'sel4-program';
  const pkg = {
    name,
    private: true,
    type: 'module',
    scripts: {
      start: `node ${join(repo, 'apps/cli/bin/tsel4.mjs')} run main.ts`,
      check: `node ${join(repo, 'node_modules/typescript/bin/tsc')} -p .`,
    },
  };
  writeFileSync(join(target, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  writeFileSync(join(target, 'tsconfig.json'), JSON.stringify(projectTsconfig(repo), null, 2) + '\n');
  const lines = [`tsel4: wrote ${join(dir, 'package.json')} and ${join(dir, 'tsconfig.json')}`];
  if (!existsSync(join(target, 'main.ts'))) {
    writeFileSync(join(target, 'main.ts'), STARTER);
    lines.push(`tsel4: wrote ${join(dir, 'main.ts')}, a root task to start from`);
  }
  lines.push(`next: cd ${dir} && npm start (runs main.ts), npm run check (type-checks it with tsc)`);
  return lines;
}
