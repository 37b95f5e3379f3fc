/*
 * The playground's build: a static site (index.html, the page's script, the kernel's Web Worker),
 * resolving the tsel4 packages from their TypeScript sources (the `source` condition), with the
 * examples read from the repository as the module `virtual:examples` and the type-check's
 * files (TypeScript's standard library, the importable packages' sources) as `virtual:typecheck-files`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { loadExamples, typecheckFiles } from './src/examples.js';

/** Data read from the repository at build time, as modules. */
const VIRTUAL: Record<string, () => unknown> = {
  'virtual:examples': loadExamples,
  'virtual:typecheck-files': typecheckFiles,
};

function examples(): Plugin {
  return {
    name: 'tsel4-examples',
    resolveId: (id) => (id in VIRTUAL ? '\0' + id : undefined),
    load: (id) => (id.startsWith('\0') && id.slice(1) in VIRTUAL ? `export default ${JSON.stringify(VIRTUAL[id.slice(1)]!())};` : undefined),
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: './',
  resolve: { conditions: ['source', 'browser', 'module', 'import', 'default'] },
  plugins: [examples()],
  worker: { format: 'es', plugins: () => [examples()] },
  build: { outDir: '../dist', emptyOutDir: true, target: 'es2022', reportCompressedSize: false, chunkSizeWarningLimit: 2000 },
  server: { port: 5173 },
  preview: { port: 4173 },
});
