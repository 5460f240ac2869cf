import { Sandbox, SandboxLimitError } from './Sandbox';
import { SandboxedTemplater } from './SandboxedTemplater';

/**
 * How many ticks of a 10 ms interval ran while `work` ran. Work that blocked the event loop lets none run (or one,
 * at its end); work off the main thread lets many run. Counted, not timed, so a loaded machine cannot fail it.
 */
async function ticksWhile<T>(work: Promise<T>): Promise<{ result: PromiseSettledResult<T>; ticks: number }> {
  let ticks = 0;
  const timer = setInterval(() => void ticks++, 10);
  const [result] = await Promise.allSettled([work]);
  clearInterval(timer);
  return { result, ticks };
}

describe('Sandbox', () => {
  // 64 MB: the processes of a test run stay small
  const sandbox = new Sandbox({ timeoutMs: 1500, maxMemoryMb: 64, workers: 2 });
  afterAll(() => sandbox.close());

  it('evaluates JSONata off the main thread and returns plain JSON', async () => {
    await expect(sandbox.run({ kind: 'jsonata', expression: '$sum(items.n)', data: { items: [{ n: 1 }, { n: 2 }] } }, { label: 'x' })).resolves.toBe(3);
    await expect(sandbox.run({ kind: 'jsonata', expression: 'items[n > 5]', data: { items: [{ n: 1 }] } }, { label: 'x' })).resolves.toBeNull();
  });

  it('reports an invalid expression with the evaluator’s own message', async () => {
    await expect(sandbox.run({ kind: 'jsonata', expression: '$sum(', data: {} }, { label: 'x' })).rejects.toThrow(/^Invalid JSONata expression/);
  });

  it('stops endless JSONata recursion at a limit without blocking the event loop, and keeps serving', async () => {
    const { result, ticks } = await ticksWhile(
      sandbox.run({ kind: 'jsonata', expression: '($f := function($n){$f($n+1)}; $f(0))', data: {} }, { label: 'data:transform: expression' }),
    );
    expect(result.status).toBe('rejected');
    const error = (result as PromiseRejectedResult).reason as Error;
    expect(error).toBeInstanceOf(SandboxLimitError);
    expect(error.message).toMatch(/^data:transform: expression exceeded its (1\.5 s time limit|memory limit \(64 MB\))$/);
    expect(ticks).toBeGreaterThanOrEqual(3);
    await expect(sandbox.run({ kind: 'jsonata', expression: '1 + 1', data: {} }, { label: 'x' })).resolves.toBe(2);
  });

  it('stops a JSONata expression over millions of items at a limit', async () => {
    const { result, ticks } = await ticksWhile(
      sandbox.run({ kind: 'jsonata', expression: '$count($map([1..5000000], function($v){ {"n": $v, "pair": [$v, $v * 2]} }))', data: {} }, { label: 'data:transform: expression' }),
    );
    expect((result as PromiseRejectedResult).reason).toBeInstanceOf(SandboxLimitError);
    expect(ticks).toBeGreaterThanOrEqual(3);
  });

  it.each([
    ['a huge string upper-cased', '($s := $pad("x", 100000000); $t := $s & $s; $uppercase($t & "y"))'],
    ['a string split into more items than an array holds', '($s := $pad("x", 100000000); $t := $s & $s; $length($split($t, "")))'],
  ])('survives an expression that makes V8 abort its process: %s', async (_name, expression) => {
    // In a worker thread these abort the whole server (V8's fatal out-of-memory and invalid-size errors).
    await expect(sandbox.run({ kind: 'jsonata', expression, data: {} }, { label: 'data:transform: expression' })).rejects.toThrow(
      /^data:transform: expression exceeded its (memory limit \(64 MB\)|1\.5 s time limit)$/,
    );
    await expect(sandbox.run({ kind: 'jsonata', expression: '"still" & " here"', data: {} }, { label: 'x' })).resolves.toBe('still here');
  });

  it('stops a nunjucks template that loops for ever', async () => {
    const templater = new SandboxedTemplater({ sandbox });
    const endless = '${{ "" }}{% for i in range(0, 10000) %}{% for j in range(0, 10000) %}{% for k in range(0, 10000) %}x{% endfor %}{% endfor %}{% endfor %}';
    const { result, ticks } = await ticksWhile(templater.renderString(endless, {}, { label: "Templating the input of step 'loop'" }));
    expect(((result as PromiseRejectedResult).reason as Error).message).toMatch(/^Templating the input of step 'loop' exceeded its (1\.5 s time limit|memory limit)/);
    expect(ticks).toBeGreaterThanOrEqual(3);
  });

  it('stops a template that builds a huge string at its memory or time limit', async () => {
    const templater = new SandboxedTemplater({ sandbox });
    const huge = { text: '${{ "x" | center(100000000) | center(200000000) | length }}' };
    await expect(templater.renderValue(huge, {}, { label: 'Templating' })).rejects.toThrow(/^Templating exceeded its|Invalid string length/);
  });

  it('refuses a range of 100 million items', async () => {
    const templater = new SandboxedTemplater({ sandbox });
    await expect(templater.renderString('{% for i in range(0, 100000000) %}x{% endfor %}', {})).rejects.toThrow('range() is limited to 10000 items');
  });

  it('renders plain references on the main thread and the rest in the sandbox, with the same results', async () => {
    const templater = new SandboxedTemplater({ sandbox });
    const ctx = { parameters: { name: 'svc', tags: ['a', 'b'] } };
    await expect(templater.renderValue({ a: '${{ parameters.name }}', b: '${{ parameters.tags[1] }}', c: 'x' }, ctx)).resolves.toEqual({ a: 'svc', b: 'b', c: 'x' });
    await expect(templater.renderValue({ a: '${{ parameters.name | upper }}', n: '${{ parameters.tags | length }}' }, ctx)).resolves.toEqual({ a: 'SVC', n: 2 });
    await expect(templater.renderString('{{ "repo" | parseRepoUrl }}${{ "github.com?owner=o&repo=r" | projectSlug }}', ctx)).resolves.toBe('{{ "repo" | parseRepoUrl }}o/r');
  });

  it('keeps template sandbox errors as they are', async () => {
    const templater = new SandboxedTemplater({ sandbox });
    await expect(templater.renderString('${{ parameters.constructor.constructor("return process")() }}', { parameters: {} })).rejects.toThrow(
      "Access to 'constructor' is not allowed in templates",
    );
  });

  it('kills the process of an aborted evaluation', async () => {
    const controller = new AbortController();
    const running = sandbox.run({ kind: 'jsonata', expression: '($f := function($n){$f($n+1)}; $f(0))', data: {} }, { label: 'x', signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled')), 50);
    await expect(running).rejects.toThrow('cancelled');
  });
});
