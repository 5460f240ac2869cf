import { ExtensionRegistry } from '@portico/app/testing';
import { scaffolderPlugin } from './plugin';

describe('scaffolderPlugin', () => {
  it('contributes its api, its five pages, the Create nav item and two home cards', () => {
    expect(scaffolderPlugin.extensions.map(e => e.id)).toEqual([
      'api:scaffolder/plugin.scaffolder.service',
      'page:scaffolder/create',
      'page:scaffolder/wizard',
      'page:scaffolder/task',
      'page:scaffolder/tasks',
      'page:scaffolder/inbox',
      'nav-item:scaffolder/create',
      'home-card:scaffolder/waiting-for-me',
      'home-card:scaffolder/my-recent-runs',
    ]);
    const registry = ExtensionRegistry.create({ plugins: [scaffolderPlugin] });
    expect(registry.apiFactories().map(f => f.api.id)).toEqual(['plugin.scaffolder.service']);
  });

  it('loads every page lazily, each from its own module', async () => {
    const pages = scaffolderPlugin.extensions.filter(e => e.kind === 'page');
    const loaded = await Promise.all(
      pages.map(p => (p.data as { Component: { preload(): Promise<void> } }).Component.preload()),
    );
    expect(loaded).toHaveLength(5);
  });
});
