import type { EntityProviderConnection, EntityProviderError, EntityProviderMutation } from '@portico/plugin-catalog-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { largeConfigFiles, LocationProvider } from './LocationService';
import { WORKER_PARSE_MIN_BYTES } from './yamlDocuments';
import type { LocationStream } from './LocationReader';

describe('LocationProvider', () => {
  it('says on the location why a read stopped, and fails the read', async () => {
    const reported: Array<{ locationKeys: string[]; errors: EntityProviderError[] }> = [];
    const connection: EntityProviderConnection = {
      async applyMutation(mutation: EntityProviderMutation) {
        if (mutation.type !== 'full' || Array.isArray(mutation.entities)) throw new Error('expected a stream');
        for await (const chunk of mutation.entities) if (chunk.length) throw new Error('disk I/O error');
      },
      async refresh() {},
      async reportErrors(options) {
        reported.push(options);
      },
    };
    const stream: LocationStream = {
      errors: [{ locationKey: 'file:/org/a.yaml', reason: 'parse', message: 'a.yaml:3: bad indentation' }],
      locationKeys: ['file:/org/a.yaml'],
      entities: (async function* () {
        yield [{ entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'g' }, spec: {} }, locationKey: 'file:/org/a.yaml' }];
      })() as LocationStream['entities'],
    };
    const provider = new LocationProvider('loc-1', () => stream);
    await provider.connect(connection);
    await expect(provider.run()).rejects.toThrow('disk I/O error');
    expect(reported).toEqual([{
      locationKeys: ['file:/org/a.yaml'],
      errors: [
        stream.errors[0],
        { locationKey: 'file:/org/a.yaml', reason: 'read', message: expect.stringMatching(/^reading stopped at file:\/org\/a\.yaml: disk I\/O error; .*none was removed$/) },
      ],
    }]);
  });
});

describe('largeConfigFiles', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-large-'));
    fs.writeFileSync(path.join(dir, 'small.yaml'), 'kind: Component\n');
    fs.writeFileSync(path.join(dir, 'large.yaml'), 'x'.repeat(WORKER_PARSE_MIN_BYTES));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names the file locations in config large enough for the parser thread, relative paths from cwd', () => {
    expect(largeConfigFiles([{ type: 'file', target: 'small.yaml' }], dir)).toEqual([]);
    expect(largeConfigFiles([{ type: 'file', target: 'small.yaml' }, { type: 'file', target: 'large.yaml' }], dir)).toEqual([path.join(dir, 'large.yaml')]);
    expect(largeConfigFiles([{ type: 'file', target: path.join(dir, 'large.yaml') }])).toEqual([path.join(dir, 'large.yaml')]);
  });

  it('counts missing files and url locations as small', () => {
    expect(largeConfigFiles([{ type: 'file', target: 'missing.yaml' }, { type: 'url', target: 'https://example.com/large.yaml' }], dir)).toEqual([]);
    expect(largeConfigFiles([])).toEqual([]);
  });
});
