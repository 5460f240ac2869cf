import { execFile } from 'node:child_process';
import path from 'node:path';

describe('startup', () => {
  // Each is 25-100 ms of CPU at startup; the host loads them when a plugin first needs them.
  it('loads knex, luxon, cron-parser and yaml only once something uses them', async () => {
    const utils = path.join(__dirname, '..', '__testUtils__');
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--conditions=source', '-r', path.join(utils, 'registerSwc.js'), path.join(utils, 'startupModules.ts')],
        { env: { ...process.env, PORT: '' } },
        (error, out) => (error ? reject(error) : resolve(out)),
      ),
    );
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({
      atStart: [],
      afterUse: ['knex', 'luxon', 'cron-parser'],
    });
  }, 60000);
});
