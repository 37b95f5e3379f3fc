/*
 * The playground's build: a static site (index.html, the page's script, the kernel's Web Worker),
 * resolving the tsel4 packages from their TypeScript sources (the `source` condition), with the
 * examples read from the repository as the module `virtual:examples`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { loadExamples } from './src/examples.js';

const ID = 'virtual:examples';

function examples(): Plugin {
  return {
    name: 'tsel4-examples',
    resolveId: (id) => (id === ID ? '\0' + ID : undefined),
    load: (id) => (id === '\0' + ID ? `export default ${JSON.stringify(loadExamples())};` : undefined),
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  base: './',
  resolve: { conditions: ['source', 'browser', 'module', 'import', 'default'] },
  plugins: [examples()],
  worker: { format: 'es' },
  build: { outDir: '../dist', emptyOutDir: true, target: 'es2022', reportCompressedSize: false, chunkSizeWarningLimit: 2000 },
  server: { port: 5173 },
  preview: { port: 4173 },
});
