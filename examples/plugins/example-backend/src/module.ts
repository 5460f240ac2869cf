import { createBackendModule } from '@portico/backend-plugin-api';
import { z } from 'zod';
import { exampleDecoratorsExtensionPoint } from './extensions';

/** The keys of `example:` this module reads. */
const signatureConfigSchema = z.object({ signature: z.string().min(1).default('the platform team') }).prefault({});

/** A module of the example plugin: signs the greeting with `example.signature`. */
export const exampleModuleSignature = createBackendModule({
  pluginId: 'example',
  moduleId: 'signature',
  configSchema: signatureConfigSchema,
  register(env) {
    env.registerInit({
      deps: { decorators: exampleDecoratorsExtensionPoint },
      async init({ decorators }, { pluginConfig: { signature } }) {
        decorators.addDecorator(greeting => `${greeting} (${signature})`);
      },
    });
  },
});
