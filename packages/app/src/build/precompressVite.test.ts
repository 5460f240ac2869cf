import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { precompressAssets } from './precompressVite';

describe('precompressAssets', () => {
  it('writes brotli and gzip copies of the large scripts and styles under assets/, and nothing else', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-precompress-'));
    try {
      const script = `export const words = ${JSON.stringify('portico '.repeat(400))};\n`;
      fs.mkdirSync(path.join(dir, 'assets'));
      fs.writeFileSync(path.join(dir, 'assets/page-1a2b.js'), script);
      fs.writeFileSync(path.join(dir, 'assets/tiny-3c4d.js'), 'export {};\n');
      fs.writeFileSync(path.join(dir, 'assets/logo-5e6f.png'), Buffer.alloc(4096));
      fs.writeFileSync(path.join(dir, 'index.html'), `<!doctype html>${' '.repeat(4096)}`);
      const bundle = Object.fromEntries(['assets/page-1a2b.js', 'assets/tiny-3c4d.js', 'assets/logo-5e6f.png', 'index.html'].map(f => [f, {}]));
      precompressAssets().writeBundle({ dir }, bundle);

      expect(zlib.brotliDecompressSync(fs.readFileSync(path.join(dir, 'assets/page-1a2b.js.br'))).toString()).toBe(script);
      expect(zlib.gunzipSync(fs.readFileSync(path.join(dir, 'assets/page-1a2b.js.gz'))).toString()).toBe(script);
      expect(fs.statSync(path.join(dir, 'assets/page-1a2b.js.br')).size).toBeLessThan(script.length / 10);
      expect(fs.readdirSync(path.join(dir, 'assets')).sort()).toEqual(['logo-5e6f.png', 'page-1a2b.js', 'page-1a2b.js.br', 'page-1a2b.js.gz', 'tiny-3c4d.js']);
      expect(fs.readdirSync(dir).sort()).toEqual(['assets', 'index.html']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
