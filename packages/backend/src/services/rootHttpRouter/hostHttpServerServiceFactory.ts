import { coreServices, createServiceFactory, createServiceRef } from '@portico/backend-plugin-api';
import { HostHttpServer } from '../../http/HostHttpServer';
import { readHttpSecurityConfig } from '../../http/httpSecurityConfig';

/** Internal: the one HTTP server of the backend. The host listens on it and closes it. */
export const hostHttpServerServiceRef = createServiceRef<HostHttpServer>({ id: 'core.internal.httpServer', scope: 'root' });

function readPort(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`Invalid config at backend.listen.port: expected a port number, got '${String(value)}'`);
  }
  return port;
}

export const hostHttpServerServiceFactory = createServiceFactory({
  service: hostHttpServerServiceRef,
  deps: { config: coreServices.rootConfig, logger: coreServices.rootLogger },
  factory({ config, logger }) {
    return new HostHttpServer({
      port: readPort(config.getOptional('backend.listen.port')) ?? 7007,
      host: config.getOptionalString('backend.listen.host') ?? '0.0.0.0',
      bodyLimit: config.getOptionalString('backend.http.bodyLimit') ?? '1mb',
      bodyDepthLimit: config.getOptionalNumber('backend.http.bodyDepthLimit'),
      logger: logger.child({ service: 'http' }),
      security: readHttpSecurityConfig(config),
    });
  },
});
