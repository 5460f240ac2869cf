import { retryOnDeadlock } from './bulkInsert';

describe('retryOnDeadlock', () => {
  const failure = (code: string) => Object.assign(new Error(`failed with ${code}`), { code });

  it('runs a transaction PostgreSQL rolled back for a deadlock or a serialization failure again', async () => {
    const codes = ['40P01', '40001'];
    let calls = 0;
    const answer = await retryOnDeadlock(async () => {
      const code = codes[calls++];
      if (code) throw failure(code);
      return 'saved';
    });
    expect(answer).toBe('saved');
    expect(calls).toBe(3);
  });

  it('gives up after its attempts, and never retries another error', async () => {
    let calls = 0;
    await expect(retryOnDeadlock(async () => {
      calls++;
      throw failure('40P01');
    }, 3)).rejects.toThrow('failed with 40P01');
    expect(calls).toBe(3);
    calls = 0;
    await expect(retryOnDeadlock(async () => {
      calls++;
      throw failure('23505');
    })).rejects.toThrow('failed with 23505');
    expect(calls).toBe(1);
  });
});
