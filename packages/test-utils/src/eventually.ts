/**
 * Calls `check` until it stops throwing (or rejecting) and returns its result; after `timeoutMs`
 * rethrows the last error. For node tests that wait on background work; jsdom tests use
 * testing-library's `waitFor`.
 */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > end) throw error;
      await new Promise(resolve => setTimeout(resolve, 25));
    }
  }
}
