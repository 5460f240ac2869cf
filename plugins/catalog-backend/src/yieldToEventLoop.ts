/**
 * Lets pending requests be served between the steps of a long piece of work (better-sqlite3 and
 * validation are synchronous: without a turn of the event loop, the API waits for the whole load).
 */
export const yieldToEventLoop = (): Promise<void> => new Promise(resolve => setImmediate(resolve));
