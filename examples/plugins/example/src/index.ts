/** @portico/example: the frontend half of the example plugin pair. Pages load lazily from plugin.ts. */
export { examplePlugin, examplePlugin as default } from './plugin';
export { exampleApiRef, type ExampleApi, type ExampleThing } from './api/ExampleApi';
export { ExampleClient } from './api/ExampleClient';
