import { createExtensionPoint } from '@portico/backend-plugin-api';

/** Changes the greeting the plugin serves, e.g. adds a signature. */
export type GreetingDecorator = (greeting: string) => string;

/** The extension point of the example plugin: modules add greeting decorators. */
export interface ExampleDecoratorsExtensionPoint {
  addDecorator(decorator: GreetingDecorator): void;
}

export const exampleDecoratorsExtensionPoint = createExtensionPoint<ExampleDecoratorsExtensionPoint>({
  id: 'example.decorators',
});
