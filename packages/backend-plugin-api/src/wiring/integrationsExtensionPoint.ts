import type { IntegrationsExtensionPoint } from '../services/definitions/IntegrationsService';
import { createExtensionPoint } from './ExtensionPoint';

/**
 * `core.integrations`, owned by the host: add an integration provider. Every contributor
 * initialises before any feature that depends on `coreServices.integrations`.
 */
export const integrationsExtensionPoint = createExtensionPoint<IntegrationsExtensionPoint>({ id: 'core.integrations' });
