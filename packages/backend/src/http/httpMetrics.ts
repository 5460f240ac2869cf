import type { NextFunction, Request, Response } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';

const PLUGIN = Symbol.for('portico.plugin');
const MATCHED_ROUTE = Symbol.for('portico.matchedRoute');

type Tagged = Record<symbol, string | undefined>;

/** Marks a request as served by a plugin (set by the plugin's router), for metric labels. */
export function setRequestPlugin(req: Request, pluginId: string): void {
  (req as unknown as Tagged)[PLUGIN] = pluginId;
}

function joinRoute(base: string, path: unknown): string {
  const tail = typeof path === 'string' ? path : String(path);
  return `${base}${tail === '/' && base ? '' : tail}` || '/';
}

/**
 * Counts requests and times them by plugin, method, route pattern and status. The route is the
 * express pattern (`/api/catalog/entities/by-name/:kind/:namespace/:name`), captured when express
 * matches it, so raw URLs never become label values.
 */
export function createHttpMetricsMiddleware(registry: Registry) {
  const labelNames = ['plugin', 'method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests served', labelNames, registers: [registry] });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  return (req: Request, res: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    let route: unknown;
    Object.defineProperty(req, 'route', {
      configurable: true,
      enumerable: true,
      get: () => route,
      set: value => {
        route = value;
        (req as unknown as Tagged)[MATCHED_ROUTE] = joinRoute(req.baseUrl, (value as { path?: unknown })?.path);
      },
    });
    res.on('finish', () => {
      const labels = {
        plugin: (req as unknown as Tagged)[PLUGIN] ?? 'host',
        method: req.method,
        route: (req as unknown as Tagged)[MATCHED_ROUTE] ?? 'unmatched',
        status: String(res.statusCode),
      };
      requests.inc(labels);
      duration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  };
}
