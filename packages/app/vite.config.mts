import path from 'node:path';
import { defineConfig, defaultClientConditions, type PluginOption } from 'vite';
import react from '@vitejs/plugin-react';
import { porticoPlugins } from './src/build/porticoPluginsVite';
import { precompressAssets } from './src/build/precompressVite';

const rootDir = path.resolve(import.meta.dirname, '../..');
const backend = process.env.PORTICO_BACKEND_URL ?? 'http://localhost:7007';
const VENDOR = /[\\/]node_modules[\\/](react|react-dom|scheduler|react-router|@mui[\\/](material|system|utils|styled-engine|private-theming|core-downloads-tracker|icons-material)|@emotion|@popperjs|clsx|react-is|prop-types|react-transition-group|@babel[\\/]runtime|stylis|hoist-non-react-statics|cookie|set-cookie-parser)[\\/]/;
const WORKSPACE_SHARED = /[\\/](packages[\\/](frontend-plugin-api|core-components|catalog-model|errors|permission-common|types)|plugins[\\/][^\\/]+-(react|common))[\\/]src[\\/]/;

export default defineConfig({
  plugins: [react(), porticoPlugins({ rootDir }) as PluginOption, precompressAssets() as PluginOption],
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
    rolldownOptions: {
      output: {
        codeSplitting: {
          // The libraries every page runs (React, the router, MUI and emotion) and the shared workspace packages are
          // two files rather than ~30 small chunks split along which lazy page first used what: a cold page load
          // fetched those in rounds over the browser's 6 connections, then the route's chunk and its own MUI
          // chunks in a second and third round (issue 19, item 10). Heavy libraries one tab uses (the OpenAPI
          // viewer, the charts) keep their own chunks.
          groups: [
            { name: 'vendor', test: VENDOR },
            { name: 'portico', test: WORKSPACE_SHARED },
          ],
        },
      },
    },
  },
});
