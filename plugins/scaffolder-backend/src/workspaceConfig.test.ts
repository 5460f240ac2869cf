import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServiceFactory } from '@portico/backend-plugin-api';
import type { CatalogApi } from '@portico/plugin-catalog-common';
import { catalogServiceRef } from '@portico/plugin-catalog-node';
import { createTestDatabase, startTestBackend } from '@portico/test-utils';
import { scaffolderPlugin } from './index';

const catalogFactory = createServiceFactory({ service: catalogServiceRef, deps: {}, factory: () => ({}) as unknown as CatalogApi });

describe('scaffolder.workspace on PostgreSQL, where several instances may run', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    db = await createTestDatabase('pg');
  });
  afterAll(() => db?.destroy());
  const start = (scaffolder: Record<string, unknown>) =>
    startTestBackend({ features: [scaffolderPlugin, catalogFactory], config: { backend: { database: db.config }, scaffolder } });

  it('refuses to start with workspaces in a directory that is not named as shared', async () => {
    await expect(start({ workspace: { store: 'directory' } })).rejects.toThrow(
      "scaffolder.workspace.store is 'directory' on PostgreSQL, where several instances may run: set scaffolder.workspace.directory to a directory every instance shares, or use store 'database'",
    );
  });

  it('keeps workspaces in the database by default, and in a shared directory when one is named', async () => {
    const shared = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-shared-workspaces-'));
    for (const [scaffolder, where] of [
      [{}, 'workspaces kept in the database'],
      [{ workspace: { store: 'directory', directory: shared } }, `workspaces kept in ${shared}`],
    ] as const) {
      const backend = await start(scaffolder);
      try {
        expect(backend.logger!.lines.some(l => l.message.includes(where))).toBe(true);
      } finally {
        await backend.stop();
      }
    }
    fs.rmSync(shared, { recursive: true, force: true });
  });
});
