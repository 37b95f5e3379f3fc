/*
 * One vitest run for the whole workspace: a project per package or test suite, each running on
 * TypeScript sources (the `source` export condition points every @tsel4 package at its src/), so
 * no build is needed before testing.
 */
import { existsSync, readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const groups = ['packages', 'apps', 'tests'];
const projects = groups.flatMap((group) =>
  existsSync(group)
    ? readdirSync(group, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(`${group}/${d.name}/package.json`))
        .map((d) => ({
          extends: true as const,
          test: {
            name: d.name,
            root: `${group}/${d.name}`,
            include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
          },
        }))
    : [],
);

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    projects,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
