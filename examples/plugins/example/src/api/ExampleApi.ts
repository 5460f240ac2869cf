import { createApiRef } from '@portico/frontend-plugin-api';

/** A greeting stored by the example backend (`@portico/example-backend`). */
export interface Greeting {
  id: number;
  name: string;
  message: string;
  createdAt: string;
}

/** What the example backend offers the browser (routes under /api/example). */
export interface ExampleApi {
  /** `POST /greetings`: composes, stores and returns a greeting for `name`. */
  greet(name: string): Promise<Greeting>;
  /** `GET /greetings?limit=`: the latest greetings, newest first. */
  listGreetings(options?: { limit?: number }): Promise<Greeting[]>;
}

export const exampleApiRef = createApiRef<ExampleApi>({ id: 'plugin.example.service' });
