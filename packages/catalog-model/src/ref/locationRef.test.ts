import { parseLocationRef, stringifyLocationRef } from './locationRef';

describe('location refs', () => {
  it('splits at the first colon', () => {
    expect(parseLocationRef('url:https://github.com/acme/x/blob/main/catalog-info.yaml')).toEqual({
      type: 'url',
      target: 'https://github.com/acme/x/blob/main/catalog-info.yaml',
    });
    expect(parseLocationRef('file:/srv/catalog/all.yaml')).toEqual({ type: 'file', target: '/srv/catalog/all.yaml' });
  });

  it('rejects refs without a type or target, and bare URLs', () => {
    expect(() => parseLocationRef('nothing')).toThrow('was not on the form <type>:<target>');
    expect(() => parseLocationRef('url:')).toThrow('was not on the form <type>:<target>');
    expect(() => parseLocationRef('https://x/y.yaml')).toThrow('write it as url:https://x/y.yaml');
  });

  it('round-trips', () => {
    expect(stringifyLocationRef(parseLocationRef('url:https://x/y.yaml'))).toBe('url:https://x/y.yaml');
    expect(() => stringifyLocationRef({ type: '', target: 'x' })).toThrow(TypeError);
  });
});
