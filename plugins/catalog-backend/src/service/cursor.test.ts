import { decodeCursor, encodeCursor } from './cursor';

describe('cursors', () => {
  it('round-trips and refuses anything it did not issue', () => {
    const cursor = { order: [], after: { values: [], ref: 'component:default/a' }, direction: 'next' as const, totalItems: 3 };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(() => decodeCursor('garbage!!')).toThrow(/^cursor: /);
    expect(() => decodeCursor(Buffer.from('{"order":"x"}').toString('base64url'))).toThrow(/^cursor: /);
  });
});
