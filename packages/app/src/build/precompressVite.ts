import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** Files this small gain nothing worth a second request's worth of bytes; scripts, styles and SVG are compressed. */
const MIN_BYTES = 1024;
const COMPRESSIBLE = /\.(?:js|mjs|css|svg|json|txt)$/; // source maps: only the developer tools fetch them

/**
 * Writes `<file>.br` (brotli, quality 9) and `<file>.gz` (gzip, level 9) beside each compressible file the build
 * emitted: `portico start` serves them to browsers that accept them (see `createAppPlugin`), so a cold page
 * downloads ~240 KB instead of ~790 KB of JavaScript without compressing anything per request. Quality 9 rather than
 * 11: the 1.4 MB OpenAPI viewer takes 0.13 s instead of 2.7 s, for 10 % more bytes.
 */
export function precompressFile(file: string): void {
  const body = fs.readFileSync(file);
  fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } }));
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(body, { level: 9 }));
}

/** Vite plugin: precompresses what the build wrote under `assets/` (index.html is sent as it is, never cached). */
export function precompressAssets(): { name: string; apply: 'build'; writeBundle(options: { dir?: string }, bundle: Record<string, unknown>): void } {
  return {
    name: 'portico-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir ?? 'dist';
      for (const fileName of Object.keys(bundle)) {
        if (!fileName.startsWith('assets/') || !COMPRESSIBLE.test(fileName)) continue;
        const file = path.join(dir, fileName);
        if (fs.statSync(file).size >= MIN_BYTES) precompressFile(file);
      }
    },
  };
}
