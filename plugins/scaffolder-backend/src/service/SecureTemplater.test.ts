import { SecureTemplater } from './SecureTemplater';

describe('SecureTemplater', () => {
  const templater = new SecureTemplater();
  const ctx = {
    parameters: { name: 'svc', count: 3, tags: ['a', 'b'], flag: false, nested: { x: 1 } },
    steps: { fetch: { output: { url: 'https://example.com/x' } } },
    user: { ref: 'user:default/guest' },
    secrets: { token: 's3cret' },
  };

  it('renders ${{ }} expressions inside strings', () => {
    expect(templater.renderValue('hello ${{ parameters.name }}!', ctx)).toBe('hello svc!');
    expect(templater.renderValue('${{ steps.fetch.output.url }}/y', ctx)).toBe('https://example.com/x/y');
    expect(templater.renderValue('by ${{ user.ref }}', ctx)).toBe('by user:default/guest');
  });

  it('keeps the JSON type of a value that is exactly one expression', () => {
    expect(templater.renderValue('${{ parameters.count }}', ctx)).toBe(3);
    expect(templater.renderValue('  ${{ parameters.flag }} ', ctx)).toBe(false);
    expect(templater.renderValue('${{ parameters.tags }}', ctx)).toEqual(['a', 'b']);
    expect(templater.renderValue('${{ parameters.nested }}', ctx)).toEqual({ x: 1 });
    expect(templater.renderValue('${{ parameters.count + 1 }}', ctx)).toBe(4);
    expect(templater.renderValue('${{ parameters.missing }}', ctx)).toBeNull();
  });

  it('renders nested objects and arrays and leaves non-strings alone', () => {
    expect(templater.renderValue({ a: ['${{ parameters.name }}', 1, true], b: { c: '${{ secrets.token }}' } }, ctx)).toEqual({
      a: ['svc', 1, true],
      b: { c: 's3cret' },
    });
  });

  it('supports filters, each and block tags', () => {
    expect(templater.renderValue('${{ parameters.name | upper }}', ctx)).toBe('SVC');
    expect(templater.renderValue('${{ each.value }}-${{ each.key }}', { ...ctx, each: { key: 0, value: 'z' } })).toBe('z-0');
    expect(templater.renderValue('{% for t in parameters.tags %}[${{ t }}]{% endfor %}', ctx)).toBe('[a][b]');
    expect(templater.renderValue('${{ "github.com?owner=acme&repo=svc" | parseRepoUrl }}', ctx)).toEqual({
      host: 'github.com',
      owner: 'acme',
      repo: 'svc',
    });
  });

  it('parseEntityRef reads refs as the catalog does, with defaults from its argument', () => {
    expect(templater.renderValue('${{ "checkout" | parseEntityRef }}', ctx)).toEqual({ kind: 'component', namespace: 'default', name: 'checkout' });
    expect(templater.renderValue('${{ "payments/checkout" | parseEntityRef }}', ctx)).toEqual({ kind: 'component', namespace: 'payments', name: 'checkout' });
    expect(templater.renderValue('${{ "team-a" | parseEntityRef({ defaultKind: "group", defaultNamespace: "ops" }) }}', ctx)).toEqual({
      kind: 'group',
      namespace: 'ops',
      name: 'team-a',
    });
    expect(templater.renderValue('${{ ("user:default/jane" | parseEntityRef).name }}', ctx)).toBe('jane');
    expect(() => templater.renderValue('${{ "component:/x" | parseEntityRef }}', ctx)).toThrow('[<kind>:][<namespace>/]<name>');
  });

  it('allows string methods but not the way out to Function', () => {
    expect(templater.renderValue('${{ parameters.name.toUpperCase() }}', ctx)).toBe('SVC');
  });

  it.each([
    '${{ range.constructor("return process")() }}',
    '${{ parameters.name.constructor.constructor("return process")() }}',
    '${{ parameters["constr" + "uctor"]["constructor"]("return process")() }}',
    '${{ constructor.getPrototypeOf(range) }}',
    '${{ parameters.__proto__ }}',
    '${{ parameters.name.toUpperCase.call }}',
    '${{ cycler.constructor("return require")() }}',
  ])('refuses the sandbox escape %s', expr => {
    expect(() => templater.renderValue(expr, ctx)).toThrow(/not allowed|Templates cannot|Unable to call/);
  });

  it('has no loaders: include, import and extends fail', () => {
    expect(() => templater.renderString('{% include "/etc/passwd" %}', ctx)).toThrow();
    expect(() => templater.renderString('{% import "/etc/passwd" as x %}', ctx)).toThrow();
    expect(() => templater.renderString('{% extends "/etc/passwd" %}', ctx)).toThrow();
  });

  it('does not escape HTML', () => {
    expect(templater.renderValue('${{ "<a & b>" }}', ctx)).toBe('<a & b>');
  });

  it('reports a broken expression as an error', () => {
    expect(() => templater.renderValue('${{ parameters.name | nosuchfilter }}', ctx)).toThrow(/nosuchfilter/);
  });
});
