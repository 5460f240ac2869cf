import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { IntegrationProvider } from '@portico/backend-plugin-api';
import { ConfigError, ConflictError, InputError, NotFoundError } from '@portico/errors';
import { ConfigReader } from '../config/ConfigReader';
import { FileIntegrationProvider } from './FileIntegrationProvider';
import { createIntegrationRegistry } from './IntegrationRegistry';
import { createHostIntegrationRegistry } from './integrationsServiceFactory';

const url = (p: string) => pathToFileURL(p).href;

function fixture() {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'portico-files-')));
  const root = path.join(base, 'root');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(path.join(root, 'team', 'apis'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(root, 'catalog-info.yaml'), 'kind: Component\n');
  fs.writeFileSync(path.join(root, 'team', 'group.yaml'), 'kind: Group\n');
  fs.writeFileSync(path.join(root, 'team', 'apis', 'api.yaml'), 'kind: API\n');
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'top secret');
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'escape.txt'));
  fs.symlinkSync(outside, path.join(root, 'escape-dir'));
  fs.symlinkSync(path.join(root, 'team', 'group.yaml'), path.join(root, 'alias.yaml'));
  const config = new ConfigReader({ integrations: { file: { roots: ['root'] } } });
  const registry = createHostIntegrationRegistry(config, { cwd: base });
  return { base, root, outside, registry };
}

describe('file integration provider', () => {
  it('reads a file under a root, with an etag that short-circuits unchanged reads', async () => {
    const { root, registry } = fixture();
    const result = await registry.readUrl(url(path.join(root, 'catalog-info.yaml')));
    expect(result.text).toBe('kind: Component\n');
    expect(result.etag).toEqual(expect.any(String));
    const again = await registry.readUrl(url(path.join(root, 'catalog-info.yaml')), { etag: result.etag });
    expect(again.notModified).toBe(true);
  });

  it('reads a small file without waiting for turns of the event loop, and a large one whole', async () => {
    const { root, registry } = fixture();
    const small = url(path.join(root, 'catalog-info.yaml'));
    await registry.readUrl(small); // the roots' real paths are resolved once
    // a busy event loop: each turn counted; a read that waits for turns (the promise API) lets some pass
    let turns = 0;
    let busy = true;
    const turn = () => {
      if (!busy) return;
      turns++;
      setImmediate(turn);
    };
    setImmediate(turn);
    const result = await registry.readUrl(small);
    busy = false;
    expect(result.text).toBe('kind: Component\n');
    expect(turns).toBe(0);

    const large = 'x'.repeat(600 * 1024);
    fs.writeFileSync(path.join(root, 'large.yaml'), large);
    expect((await registry.readUrl(url(path.join(root, 'large.yaml')))).text).toBe(large);
  });

  it('refuses files outside the roots, .. escapes and symlinks pointing out', async () => {
    const { root, outside, registry } = fixture();
    await expect(registry.readUrl(url(path.join(outside, 'secret.txt')))).rejects.toThrow(/outside the allowed file roots/);
    await expect(registry.readUrl(`${url(root)}/team/../../outside/secret.txt`)).rejects.toBeInstanceOf(InputError);
    await expect(registry.readUrl(`${url(root)}/%2e%2e/outside/secret.txt`)).rejects.toBeInstanceOf(InputError);
    await expect(registry.readUrl(url(path.join(root, 'escape.txt')))).rejects.toThrow(/outside the allowed file roots/);
    await expect(registry.readUrl(url(path.join(root, 'escape-dir', 'secret.txt')))).rejects.toBeInstanceOf(InputError);
    expect((await registry.readUrl(url(path.join(root, 'alias.yaml')))).text).toBe('kind: Group\n');
  });

  it('reads outside the roots only for trusted callers that ask to', async () => {
    const { outside, registry } = fixture();
    const file = registry.listProviders()[0] as FileIntegrationProvider;
    const result = await file.readUrl(url(path.join(outside, 'secret.txt')), { allowOutsideRoots: true });
    expect(result.text).toBe('top secret');
  });

  it('enforces maxBytes and reports missing files as not found', async () => {
    const { root, registry } = fixture();
    await expect(registry.readUrl(url(path.join(root, 'catalog-info.yaml')), { maxBytes: 4 })).rejects.toThrow(
      /more than the limit of 4 bytes/,
    );
    await expect(registry.readUrl(url(path.join(root, 'nope.yaml')))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists a tree recursively without following symlinks out of the roots', async () => {
    const { root, registry } = fixture();
    const files = await registry.readTree(url(root));
    expect(files.map(f => f.path).sort()).toEqual(['alias.yaml', 'catalog-info.yaml', 'team/apis/api.yaml', 'team/group.yaml']);
    const api = files.find(f => f.path === 'team/apis/api.yaml')!;
    expect((await api.content()).toString()).toBe('kind: API\n');
  });

  it('resolves relative references against a base URL', () => {
    const { root, registry } = fixture();
    expect(registry.resolveUrl({ base: url(path.join(root, 'team', 'group.yaml')), url: './apis/api.yaml' })).toBe(
      url(path.join(root, 'team', 'apis', 'api.yaml')),
    );
  });

  it('serves nothing when no roots are configured', async () => {
    const provider = FileIntegrationProvider.fromConfig(new ConfigReader({}));
    expect(provider.describeTargets()).toEqual([]);
    await expect(provider.readUrl(url(__filename))).rejects.toThrow(/none configured/);
  });

  it('checks integrations.file against its schema', () => {
    expect(() => FileIntegrationProvider.fromConfig(new ConfigReader({ integrations: { file: { roots: 'not-a-list' } } }))).toThrow(
      /'integrations\.file\.roots'/,
    );
    const registry = createIntegrationRegistry();
    registry.addProvider(new FileIntegrationProvider([]));
    expect(() => registry.validateConfig(new ConfigReader({ integrations: { file: { roots: [3] } } }))).toThrow(ConfigError);
  });
});

describe('integration registry', () => {
  const fake = (id: string, host: string): IntegrationProvider => ({
    id,
    describeTargets: () => [host],
    serves: u => u.host === host,
    readUrl: async u => ({ text: `from ${id}`, url: u }),
  });

  it('routes a URL to the provider that serves it', async () => {
    const registry = createIntegrationRegistry();
    registry.addProvider(fake('github', 'github.com'));
    registry.addProvider(fake('gitlab', 'gitlab.com'));
    expect(registry.providerFor('https://gitlab.com/a/b')?.id).toBe('gitlab');
    expect((await registry.readUrl('https://github.com/a/b')).text).toBe('from github');
    expect(registry.listProviders().map(p => p.id)).toEqual(['github', 'gitlab']);
  });

  it('names the URL and the served targets when no provider serves it', async () => {
    const registry = createIntegrationRegistry();
    registry.addProvider(fake('github', 'github.com'));
    const error = await registry.readUrl('https://bitbucket.org/x').catch(e => e);
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe('No integration serves https://bitbucket.org/x; served: github (github.com)');
    await expect(registry.readUrl('not a url')).rejects.toThrow(/Invalid URL 'not a url'/);
    await expect(registry.readTree('https://github.com/a')).rejects.toThrow(/cannot read directory trees/);
  });

  it('refuses duplicate ids, and providers added after freeze', () => {
    const registry = createIntegrationRegistry();
    registry.addProvider(fake('github', 'github.com'));
    expect(() => registry.addProvider(fake('github', 'ghe.example.com'))).toThrow(ConflictError);
    expect(() => registry.addProvider(fake('github', 'ghe.example.com'))).toThrow(/'github' is already registered/);
    registry.freeze();
    expect(registry.frozen).toBe(true);
    expect(() => registry.addProvider(fake('jira', 'jira.example.com'))).toThrow(/frozen/);
  });
});
