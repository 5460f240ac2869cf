import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, res => {
        let body = '';
        res.on('data', c => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      })
      .on('error', reject);
  });
}

describe('signals', () => {
  it('on SIGTERM lets the request in flight finish, runs shutdown hooks and exits 0', async () => {
    const utils = path.join(__dirname, '..', '__testUtils__');
    const child = spawn(
      process.execPath,
      ['--conditions=source', '-r', path.join(utils, 'registerSwc.js'), path.join(utils, 'signalledBackend.ts')],
      { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, PORT: '' } },
    );
    let output = '';
    const waitFor = (text: RegExp) =>
      new Promise<RegExpMatchArray>((resolve, reject) => {
        const check = () => {
          const match = output.match(text);
          if (match) resolve(match);
        };
        child.stdout!.on('data', chunk => {
          output += chunk;
          check();
        });
        child.on('exit', code => reject(new Error(`exited with ${code} before ${text}: ${output}`)));
        check();
      });
    const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
    try {
      const port = (await waitFor(/PORT (\d+)/))[1];
      const inFlight = get(`http://127.0.0.1:${port}/api/slow/wait`);
      await waitFor(/IN_FLIGHT/);
      child.kill('SIGTERM');
      await new Promise(r => setTimeout(r, 200));
      await expect(get(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
      expect(output).not.toContain('SHUTDOWN_HOOK');
      child.stdin!.write('release\n');
      expect(await inFlight).toEqual({ status: 200, body: '{"finished":true}' });
      expect(await exited).toBe(0);
      expect(output).toContain('SHUTDOWN_HOOK');
    } finally {
      child.kill('SIGKILL');
    }
  }, 60000);
});
