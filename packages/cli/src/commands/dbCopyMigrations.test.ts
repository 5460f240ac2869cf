import path from 'node:path';
import { auditPlugin, loadConfig, permissionPlugin } from '@portico/backend';
import { coreServices, createBackendPlugin, type BackendFeature } from '@portico/backend-plugin-api';
import { loadPluginMigrations } from './dbCopyMigrations';

const repoRoot = path.resolve(__dirname, '../../../..');

describe('loadPluginMigrations', () => {
  it("loads the migrations of every plugin of the repository's app-config.yaml and of every integration, without starting them", async () => {
    const config = await loadConfig({ configPaths: [path.join(repoRoot, 'app-config.yaml')], cwd: repoRoot });
    const names = [
      ...(config.getOptional<string[]>('backend.plugins') ?? []),
      '@portico/plugin-github-backend',
      '@portico/plugin-pagerduty-backend',
      '@portico/plugin-jira-backend',
    ];
    // required by name, so that jest resolves each workspace package to its sources rather than a build
    const features = names.flatMap(name => {
      const mod = require(name) as { default?: BackendFeature | BackendFeature[] };
      return [mod.default ?? []].flat();
    });
    const loaded = await loadPluginMigrations([...features, permissionPlugin, auditPlugin], { config, engine: 'pg' });
    expect(loaded.failed).toEqual([]);
    expect([...loaded.migrations.keys()]).toEqual(expect.arrayContaining(['auth', 'catalog', 'scorecards', 'scaffolder', 'example', 'github', 'pagerduty', 'jira', 'permission', 'audit']));
    for (const [, migrations] of loaded.migrations) {
      expect(migrations.length).toBeGreaterThan(0);
      for (const m of migrations) expect(typeof m.up).toBe('function');
    }
  });

  it('names a plugin whose init opens its database before migrating it, and one that keeps none', async () => {
    const config = await loadConfig({ config: {} });
    const early = createBackendPlugin({
      pluginId: 'early',
      register: env =>
        env.registerInit({
          deps: { database: coreServices.database },
          async init({ database }) {
            await database.getClient();
            await database.migrate([]);
          },
        }),
    });
    const stateless = createBackendPlugin({ pluginId: 'stateless', register: env => env.registerInit({ deps: { logger: coreServices.logger }, init: ({ logger }) => logger.info('hi') }) });
    const loaded = await loadPluginMigrations([early, stateless], { config, engine: 'sqlite' });
    expect(loaded.failed).toEqual([{ pluginId: 'early', reason: 'it opened its database before migrating it' }]);
    expect(loaded.withoutDatabase).toEqual(['stateless']);
    expect(loaded.migrations.size).toBe(0);
  });
});
