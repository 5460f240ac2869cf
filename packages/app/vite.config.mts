import path from 'node:path';
import { defineConfig, defaultClientConditions, type PluginOption } from 'vite';
import react from '@vitejs/plugin-react';
import { porticoPlugins } from './src/build/porticoPluginsVite';

const rootDir = path.resolve(import.meta.dirname, '../..');
const backend = process.env.PORTICO_BACKEND_URL ?? 'http://localhost:7007';

export default defineConfig({
  plugins: [react(), porticoPlugins({ rootDir }) as PluginOption],
  resolve: {
    // workspace node packages (catalog-model, ...) export `source: ./src/index.ts`; their dist is CommonJS
    conditions: ['source', ...defaultClientConditions],
  },
  server: {
    port: Number(process.env.PORTICO_DEV_PORT ?? 3000),
    proxy: { '/api': backend, '/app-config.json': backend, '/healthz': backend, '/readyz': backend },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1000,
  },
});
