import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type IntegrationsService } from '@portico/backend-plugin-api';
import { InputError, PayloadTooLargeError } from '@portico/errors';
import type { UrlReader } from './LocationReader';
import { textReadAhead } from './yamlDocuments';

/** Turns a location's `type` and `target` into the URL it is read from (files relative to `cwd`). */
export function toLocationUrl(type: string, target: string, cwd = process.cwd()): string {
  if (type === 'file') {
    if (target.startsWith('file:')) {
      try {
        return new URL(target).toString();
      } catch {
        throw new InputError(`target: '${target.slice(0, 100)}' is not a valid file URL`);
      }
    }
    if (target.includes('\0')) throw new InputError('target: contains a NUL character');
    return pathToFileURL(path.resolve(cwd, target)).toString();
  }
  if (type === 'url') {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new InputError(`target: '${target.slice(0, 100)}' is not a valid URL`);
    }
    if (!['http:', 'https:', 'file:'].includes(url.protocol)) throw new InputError(`target: unsupported protocol ${url.protocol}`);
    return url.toString();
  }
  throw new InputError(`type: must be 'file' or 'url', got '${String(type).slice(0, 20)}'`);
}

function defaultResolve(base: string, url: string): string {
  return new URL(url, base).toString();
}

/** Reads through the `core.integrations` providers (which enforce their own roots and hosts). */
export function integrationsReader(integrations: IntegrationsService, maxBytes: number): UrlReader {
  return {
    async read(url) {
      const result = await integrations.readUrl(url, { maxBytes });
      return result.text;
    },
    resolve(base, url) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return new URL(url).toString();
      try {
        return integrations.resolveUrl({ base, url });
      } catch {
        return defaultResolve(base, url);
      }
    },
  };
}

/**
 * For locations named in app-config: files under the configured file's own directory are read
 * directly (the operator chose them); anything else goes through `fallback`.
 */
export function trustedFileReader(rootUrl: string, fallback: UrlReader, maxBytes: number): UrlReader {
  const rootDir = rootUrl.startsWith('file:') ? path.dirname(fileURLToPath(rootUrl)) : undefined;
  return {
    async read(url) {
      if (rootDir && url.startsWith('file:')) {
        const file = fileURLToPath(url);
        if (file === fileURLToPath(rootUrl) || file.startsWith(rootDir + path.sep)) {
          const stat = await fs.stat(file).catch(() => undefined);
          if (!stat || !stat.isFile()) throw new InputError(`${file} does not exist or is not a file`);
          if (stat.size > maxBytes) throw new PayloadTooLargeError(`${file} is ${stat.size} bytes, more than the ${maxBytes} allowed (catalog.maxFileBytes)`);
          return (await textReadAhead(file, stat)) ?? fs.readFile(file, 'utf8');
        }
      }
      return fallback.read(url);
    },
    resolve(base, url) {
      if (base.startsWith('file:') && !/^[a-z][a-z0-9+.-]*:/i.test(url)) return defaultResolve(base, url);
      return fallback.resolve(base, url);
    },
  };
}
