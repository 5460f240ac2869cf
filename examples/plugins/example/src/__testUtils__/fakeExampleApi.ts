import type { ExampleApi, Greeting } from '../api/ExampleApi';

/** An in-memory ExampleApi that behaves like the backend: newest first, "Hello, <name>!". */
export function fakeExampleApi(initial: Greeting[] = []): ExampleApi & { greetings: Greeting[] } {
  const greetings = [...initial];
  return {
    greetings,
    greet: async name => {
      const greeting = { id: greetings.length + 1, name, message: `Hello, ${name}!`, createdAt: '2026-11-27T10:00:00.000Z' };
      greetings.unshift(greeting);
      return greeting;
    },
    listGreetings: async ({ limit = 20 } = {}) => greetings.slice(0, limit),
  };
}
