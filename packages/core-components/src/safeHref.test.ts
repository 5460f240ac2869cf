import { safeHref } from './safeHref';

describe('safeHref', () => {
  it.each([
    'https://example.com/a?b=1#c',
    'http://localhost:3000',
    'HTTPS://EXAMPLE.COM',
    'mailto:team@example.com',
    '/catalog/default/component/x',
    'docs/readme.md',
    '../up',
    '?tab=apis',
    '#section',
  ])('keeps %s', url => {
    expect(safeHref(url)).toBe(url);
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    ' javascript:alert(1)',
    '\u0001javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    'ftp://example.com',
    'http://[not an address',
    '',
    '   ',
  ])('refuses %j', url => {
    expect(safeHref(url)).toBeUndefined();
  });

  it('refuses what is not a string', () => {
    for (const value of [undefined, null, 42, { toString: () => 'https://x' }]) expect(safeHref(value)).toBeUndefined();
  });
});
