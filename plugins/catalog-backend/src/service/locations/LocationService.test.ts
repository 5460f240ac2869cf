import type { EntityProviderConnection, EntityProviderError, EntityProviderMutation } from '@portico/plugin-catalog-node';
import { LocationProvider } from './LocationService';
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
