import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { catalogPlugin } from './plugin';
import { startCatalogBackend } from './__testUtils__/testCatalogBackend';

const COMPONENT = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: present }\nspec: { type: service, lifecycle: production, owner: team-a }\n';

describe('config locations at start', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-config-locations-'));
    fs.writeFileSync(path.join(dir, 'present.yaml'), COMPONENT);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('logs an error naming a config location whose file does not exist, and starts with the others', async () => {
    const missing = path.join(dir, 'misssing.yaml');
    const app = await startCatalogBackend({
      config: { catalog: { locations: [{ type: 'file', target: path.join(dir, 'present.yaml') }, { type: 'file', target: missing }] } },
      features: [catalogPlugin],
      roots: [dir],
    });
    try {
      expect(app.logger!.messages('error')).toContain(`Config location catalog.locations[1] names ${missing}, which does not exist`);
      expect(app.logger!.messages('error').filter(m => m.includes('present.yaml'))).toEqual([]);
    } finally {
      await app.stop();
    }
  });
});
