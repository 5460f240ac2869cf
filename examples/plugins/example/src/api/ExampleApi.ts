import { createApiRef } from '@portico/frontend-plugin-api';

/** A thing stored by the example backend, optionally about a catalog entity. */
export interface ExampleThing {
  id: string;
  name: string;
  entityRef?: string | null;
  createdAt?: string;
}

/** What the example backend offers the browser (routes under /api/example). */
export interface ExampleApi {
  getGreeting(): Promise<string>;
  listThings(options?: { entityRef?: string }): Promise<ExampleThing[]>;
  addThing(thing: { name: string; entityRef?: string }): Promise<ExampleThing>;
}

export const exampleApiRef = createApiRef<ExampleApi>({ id: 'plugin.example.service' });
