import { coreServices, createBackendModule } from '@portico/backend-plugin-api';
import { z } from 'zod';
import { exampleDecoratorsExtensionPoint } from './extensions';

/** The keys of `example:` this module reads. */
const signatureConfigSchema = z.object({ signature: z.string().min(1).optional() }).optional();

/** A module of the example plugin: signs the greeting with `example.signature`. */
export const exampleModuleSignature = createBackendModule({
  pluginId: 'example',
  moduleId: 'signature',
  configSchema: signatureConfigSchema,
  register(env) {
    env.registerInit({
      deps: { decorators: exampleDecoratorsExtensionPoint, config: coreServices.config },
      async init({ decorators, config }) {
        const signature = config.getOptionalString('example.signature') ?? 'the platform team';
        decorators.addDecorator(greeting => `${greeting} (${signature})`);
      },
    });
  },
});
