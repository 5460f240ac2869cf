import type { Entity } from '@portico/catalog-model';
import { entityMatchesFilter } from '@portico/plugin-catalog-react';
import { jiraPlugin } from './plugin';

describe('Jira plugin extensions', () => {
  it('shows the card and the tab only for entities, groups included, annotated jira/project-key', () => {
    const filters = jiraPlugin.extensions
      .filter(e => e.kind === 'entity-card' || e.kind === 'entity-tab')
      .map(e => (e.data as { filter?: Parameters<typeof entityMatchesFilter>[1] }).filter);
    expect(filters).toHaveLength(2);
    const withAnnotations = (kind: string, annotations?: Record<string, string>): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind, metadata: { name: 'x', annotations }, spec: {} });
    for (const filter of filters) {
      expect(entityMatchesFilter(withAnnotations('Component', { 'jira/project-key': 'PAY' }), filter)).toBe(true);
      expect(entityMatchesFilter(withAnnotations('Group', { 'jira/project-key': 'PAY' }), filter)).toBe(true);
      expect(entityMatchesFilter(withAnnotations('Component', { 'jira/label': 'payments' }), filter)).toBe(false);
      expect(entityMatchesFilter(withAnnotations('Component'), filter)).toBe(false);
    }
  });

  it('has the Issues tab at issues and the overview card', () => {
    const tab = jiraPlugin.extensions.find(e => e.kind === 'entity-tab');
    expect(tab?.data).toMatchObject({ path: 'issues', title: 'Issues' });
    const card = jiraPlugin.extensions.find(e => e.kind === 'entity-card');
    expect(card?.data).toMatchObject({ title: 'Jira issues' });
  });
});
