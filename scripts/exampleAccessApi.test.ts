import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

const repoRoot = path.resolve(__dirname, '..');
const dir = path.join(repoRoot, 'examples/templates/database-access');

/** Starts the stand-in access API and resolves with the base URL its start message names. */
function startFake(env: Record<string, string>): Promise<{ base: string; output: string; stop(): void }> {
  const child = spawn(process.execPath, [path.join(dir, 'fake-access-api.js')], { env: { ...process.env, ...env } });
  let output = '';
  return new Promise((resolve, reject) => {
    child.on('exit', code => reject(new Error(`fake-access-api.js exited with ${code}: ${output}`)));
    child.stdout.on('data', chunk => {
      output += chunk;
      const base = /fake access API on (http:\/\/localhost:\d+)/.exec(output)?.[1];
      if (base && output.endsWith('\n')) {
        child.removeAllListeners('exit');
        resolve({ base, output, stop: () => child.kill() });
      }
    });
  });
}

describe('the example access API of "Request database access"', () => {
  it('listens on ACCESS_API_PORT and names the port it actually uses, with the config to match', async () => {
    const fake = await startFake({ ACCESS_API_PORT: '0', PORT: '7301' });
    try {
      expect(fake.base).not.toBe('http://localhost:7080');
      expect(fake.base).not.toBe('http://localhost:7301'); // PORT is the portal's, not the stand-in's
      expect(fake.output).toContain(`scaffolder.http.allowedHosts: ['${new URL(fake.base).host}']`);
      const res = await fetch(`${fake.base}/grants`, { method: 'POST', body: JSON.stringify({ role: 'reader' }) });
      expect(res.status).toBe(201);
      expect(await res.json()).toEqual({ id: 'grant-1', role: 'reader' });
    } finally {
      fake.stop();
    }
  });

  it("agrees with the template's grantsUrl and the repository's app-config on the default port", () => {
    const template = parseAllDocuments(fs.readFileSync(path.join(dir, 'template.yaml'), 'utf8'))[0].toJS();
    const grantsUrl = new URL(template.spec.parameters[0].properties.grantsUrl.default);
    const grantStep = template.spec.steps.find((step: { id: string }) => step.id === 'grant');
    expect(grantStep.input.url).toBe('${{ parameters.grantsUrl }}');
    const fakeSource = fs.readFileSync(path.join(dir, 'fake-access-api.js'), 'utf8');
    const defaultPort = /ACCESS_API_PORT \?\? (\d+)/.exec(fakeSource)?.[1];
    expect(grantsUrl.port).toBe(defaultPort);
    const appConfig = parse(fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'));
    expect(appConfig.scaffolder.http.allowedHosts).toContain(grantsUrl.host);
    expect(new URL(appConfig.scaffolder.slack.webhookUrl).host).toBe(grantsUrl.host);
  });
});
