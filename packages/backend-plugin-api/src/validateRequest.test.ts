import { z } from 'zod';
import { InputError } from '@portico/errors';
import { parseInput } from './validateRequest';

describe('parseInput', () => {
  it('returns the parsed value', () => {
    expect(parseInput('query', z.object({ limit: z.coerce.number().int() }), { limit: '5' })).toEqual({ limit: 5 });
  });

  it('throws an InputError naming the failing field', () => {
    const schema = z.object({ spec: z.object({ owner: z.string() }) });
    let error: unknown;
    try {
      parseInput('body', schema, { spec: { owner: 42 } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(/^body\.spec\.owner: /);
    expect((error as InputError).statusCode).toBe(400);
  });
});
