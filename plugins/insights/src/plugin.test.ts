import type { Entity } from '@portico/catalog-model';
import { entityMatchesFilter } from '@portico/plugin-catalog-react';
import { insightsPlugin } from './plugin';

const entity = (kind: string): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind, metadata: { name: 'x' }, spec: {} });

describe('Insights plugin extensions', () => {
  it('shows the Insights tab on components, teams, systems and domains only', () => {
    const tab = insightsPlugin.extensions.find(e => e.kind === 'entity-tab');
    const data = tab?.data as { path: string; title: string; filter?: Parameters<typeof entityMatchesFilter>[1] };
    expect(data).toMatchObject({ path: 'insights', title: 'Insights' });
    for (const kind of ['Component', 'Group', 'System', 'Domain']) expect(entityMatchesFilter(entity(kind), data.filter)).toBe(true);
    for (const kind of ['API', 'Resource', 'User', 'Template', 'Location']) expect(entityMatchesFilter(entity(kind), data.filter)).toBe(false);
  });

  it('has the comparison page at /insights with a nav item', () => {
    expect((insightsPlugin.extensions.find(e => e.kind === 'page')?.data as { path: string }).path).toBe('/insights');
    expect(insightsPlugin.extensions.find(e => e.kind === 'nav-item')?.data).toMatchObject({ title: 'Insights', path: '/insights' });
  });
});
