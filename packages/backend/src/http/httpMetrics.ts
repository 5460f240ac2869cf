import express, { type NextFunction, type Request, type Response } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';

const PLUGIN = Symbol.for('portico.plugin');
const MATCHED_ROUTE = Symbol.for('portico.matchedRoute');
const ROUTE = Symbol('portico.route');

type Tagged = Record<symbol, unknown>;

/** Marks a request as served by a plugin (set by the plugin's router), for metric labels. */
export function setRequestPlugin(req: Request, pluginId: string): void {
  (req as unknown as Tagged)[PLUGIN] = pluginId;
}

function joinRoute(base: string, path: unknown): string {
  const tail = typeof path === 'string' ? path : String(path);
  return `${base}${tail === '/' && base ? '' : tail}` || '/';
}

const TRACKING = Symbol.for('portico.tracksMatchedRoutes');

/**
 * Makes `req.route` an accessor on express's base request prototype (`express.request`, which every app's
 * and sub-app's `app.request` inherits from), so that when the router assigns the matched route the full
 * pattern is recorded with the `baseUrl` of that moment, before routers unwind. Defined once: a per-request
 * `Object.defineProperty` on the request itself allocated two closures and gave every request object a
 * shape of its own, which made all later property access on it slower (about 10% of a request's CPU).
 * The accessor stores and returns the value as a plain property would.
 */
function trackMatchedRoutes(requestPrototype: object): void {
  if ((requestPrototype as Tagged)[TRACKING]) return;
  Object.defineProperty(requestPrototype, TRACKING, { value: true });
  Object.defineProperty(requestPrototype, 'route', {
    configurable: true,
    enumerable: true,
    get(this: Tagged) {
      return this[ROUTE];
    },
    set(this: Tagged & { baseUrl: string }, value: unknown) {
      this[ROUTE] = value;
      this[MATCHED_ROUTE] = joinRoute(this.baseUrl, (value as { path?: unknown } | undefined)?.path);
    },
  });
}

/**
 * Counts requests and times them by plugin, method, route pattern and status. The route is the
 * express pattern (`/api/catalog/entities/by-name/:kind/:namespace/:name`), captured when express
 * matches it, so raw URLs never become label values.
 */
export function createHttpMetricsMiddleware(registry: Registry, onError: (error: unknown) => void = () => {}) {
  trackMatchedRoutes(express.request);
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
    res.on('finish', () => {
      const labels = requestLabels(req, res);
      try {
        requests.inc(labels);
        duration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
      } catch (error) {
        // A listener of 'finish' that throws takes the process down; a metric is never worth that.
        onError(error);
      }
    });
    next();
  };
}

type LabelName = 'plugin' | 'method' | 'route' | 'status';

/**
 * The labels of one request, on a null-prototype object with exactly the four label names: prom-client
 * checks labels with `for...in`, so a key inherited from a polluted `Object.prototype` would otherwise
 * reach it as an extra label and throw.
 */
function requestLabels(req: Request, res: Response): Record<LabelName, string> {
  const tagged = req as unknown as Tagged;
  const labels = Object.create(null) as Record<LabelName, string>;
  labels.plugin = labelValue(tagged[PLUGIN], 'host');
  labels.method = labelValue(req.method, 'unknown');
  labels.route = labelValue(tagged[MATCHED_ROUTE], 'unmatched');
  labels.status = String(res.statusCode);
  return labels;
}

function labelValue(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}
