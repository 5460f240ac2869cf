import request from 'supertest';
import { createServiceFactory } from '@portico/backend-plugin-api';
import type { CatalogApi } from '@portico/plugin-catalog-common';
import { catalogServiceRef } from '@portico/plugin-catalog-node';
import type { TemplateStep } from '@portico/plugin-scaffolder-common';
import { startTestBackend, type TestBackend } from '@portico/test-utils';
import { scaffolderPlugin } from './index';

const catalogFactory = createServiceFactory({
  service: catalogServiceRef,
  deps: {},
  factory: () => ({ async getEntityByRef() { return undefined; } }) as unknown as CatalogApi,
});

interface DryRunResult {
  status: string;
  error?: string;
  steps: Array<{ id: string; status: string; error?: string }>;
}

/**
 * Dry-runs a one-step template while other requests are sent one after another (50 ms apart); returns the dry run
 * and how many of the others were answered before it ended. A server whose event loop the evaluation blocked
 * answers none of them meanwhile (the first waits for the end); one that keeps serving answers several. Counting
 * answers, not timing them, keeps this true on a loaded machine.
 */
async function dryRunWhileServing(backend: TestBackend, step: TemplateStep): Promise<{ result: DryRunResult; answeredMeanwhile: number }> {
  let done = false;
  const dryRun = request(backend.server)
    .post('/api/scaffolder/v2/dry-run')
    .send({ template: { apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 'hostile' }, spec: { steps: [step] } }, values: {} })
    .then(res => {
      done = true;
      return res;
    });
  let answeredMeanwhile = 0;
  while (!done) {
    await request(backend.server).get('/api/scaffolder/v2/actions').expect(200);
    if (!done) answeredMeanwhile++;
    await new Promise(r => setTimeout(r, 50));
  }
  const res = await dryRun;
  expect(res.status).toBe(200);
  return { result: res.body as DryRunResult, answeredMeanwhile };
}

describe('scaffolder under hostile templates and expressions', () => {
  let backend: TestBackend;
  beforeAll(async () => {
    backend = await startTestBackend({
      features: [scaffolderPlugin, catalogFactory],
      config: { scaffolder: { pollInterval: 50, sandbox: { timeout: 'PT2S', maxMemoryMb: 96 } } },
    });
  });
  afterAll(() => backend.stop());

  const limit = /exceeded its (2 s time limit|memory limit \(96 MB\))$/;

  it('fails a data:transform step with endless JSONata recursion within seconds, and keeps answering', async () => {
    const { result, answeredMeanwhile } = await dryRunWhileServing(backend, {
      id: 'recurse',
      action: 'data:transform',
      input: { expression: '($f := function($n){$f($n+1)}; $f(0))' },
    });
    expect(result.status).toBe('failed');
    expect(result.steps[0]).toMatchObject({ id: 'recurse', status: 'failed' });
    expect(result.steps[0].error).toMatch(/^data:transform: expression /);
    expect(result.steps[0].error).toMatch(limit);
    expect(answeredMeanwhile).toBeGreaterThanOrEqual(2);
  });

  it('fails a data:transform step mapping five million items at its limit, and keeps answering', async () => {
    const { result, answeredMeanwhile } = await dryRunWhileServing(backend, {
      id: 'map',
      action: 'data:transform',
      input: { expression: '$count($map([1..5000000], function($v){ {"n": $v, "pair": [$v, $v * 2]} }))' },
    });
    expect(result.status).toBe('failed');
    expect(result.steps[0].error).toMatch(limit);
    expect(answeredMeanwhile).toBeGreaterThanOrEqual(2);
  });

  it.each([
    ['a huge string upper-cased', '($s := $pad("x", 100000000); $t := $s & $s; $uppercase($t & "y"))'],
    ['a string split into more items than an array holds', '($s := $pad("x", 100000000); $t := $s & $s; $length($split($t, "")))'],
  ])('fails a data:transform step whose expression makes V8 abort (%s), and the server lives on', async (_name, expression) => {
    const { result, answeredMeanwhile } = await dryRunWhileServing(backend, { id: 'abort', action: 'data:transform', input: { expression } });
    expect(result.status).toBe('failed');
    expect(result.steps[0].error).toMatch(limit);
    expect(answeredMeanwhile).toBeGreaterThanOrEqual(2);
  });

  it('fails a step whose input template loops for ever, and keeps answering', async () => {
    const { result, answeredMeanwhile } = await dryRunWhileServing(backend, {
      id: 'loop',
      action: 'debug:log',
      input: { message: '${{ "" }}{% for i in range(0, 10000) %}{% for j in range(0, 10000) %}{% for k in range(0, 10000) %}x{% endfor %}{% endfor %}{% endfor %}' },
    });
    expect(result.status).toBe('failed');
    expect(result.steps[0].error).toMatch(/^Templating the input of step 'loop' exceeded its/);
    expect(result.steps[0].error).toMatch(limit);
    expect(answeredMeanwhile).toBeGreaterThanOrEqual(2);
  });

  it('fails a step whose template builds a huge string, and keeps answering', async () => {
    const { result, answeredMeanwhile } = await dryRunWhileServing(backend, {
      id: 'huge',
      action: 'debug:log',
      input: { message: '${{ "x" | center(100000000) | center(200000000) | center(400000000) }}' },
    });
    expect(result.status).toBe('failed');
    expect(result.steps[0].error).toMatch(/^Templating the input of step 'huge' exceeded its|Invalid string length/);
    expect(answeredMeanwhile).toBeGreaterThanOrEqual(2);
  });

  it('refuses a range of a hundred million items', async () => {
    const { result } = await dryRunWhileServing(backend, {
      id: 'range',
      action: 'debug:log',
      input: { message: '${{ "" }}{% for i in range(0, 100000000) %}x{% endfor %}' },
    });
    expect(result.status).toBe('failed');
    expect(result.steps[0].error).toMatch(/range\(\) is limited to 10000 items/);
  });

  it('still runs ordinary templates and expressions after the limits were hit', async () => {
    const { result } = await dryRunWhileServing(backend, {
      id: 'ok',
      action: 'data:transform',
      input: { expression: '$uppercase(name) & "-" & $string(n * 2)', data: { name: '${{ "svc" | lower }}', n: 21 } },
    });
    expect(result.status).toBe('completed');
  });
});
