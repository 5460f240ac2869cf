import http from 'node:http';
import type { AddressInfo } from 'node:net';
import compression from 'compression';
import express, { Router, type Express, type Request, type Response } from 'express';
import { collectDefaultMetrics, Registry, type Histogram } from 'prom-client';
import { requestActivity, type LoggerService } from '@portico/backend-plugin-api';
import { createErrorHandler } from './errorHandler';
import { createHttpMetricsMiddleware } from './httpMetrics';
import { forbiddenQueryKeys } from './forbiddenQueryKeys';
import { jsonBodyParser } from './jsonBodyParser';
import { notFoundHandler } from './notFoundHandler';
import { requestIdMiddleware } from './requestId';
import { requestLogMiddleware } from './requestLog';
import cors from 'cors';
import { NotAllowedError } from '@portico/errors';
import { authRateLimit, RATE_LIMITED_PATHS } from './authRateLimit';
import { hostAllowList } from './hostAllowList';
import type { HttpSecurityConfig } from './httpSecurityConfig';
import { securityHeaders } from './securityHeaders';
import { RouteLimits, routeBodyLimit } from './routeLimits';

export interface HostHttpServerOptions {
  port: number;
  host: string;
  /** e.g. '1mb'; larger JSON bodies under /api are a 413. */
  bodyLimit: string;
  /** How deeply a JSON body under /api may nest arrays and objects; deeper is a 400. Default 64. */
  bodyDepthLimit?: number;
  logger: LoggerService;
  /** Headers, CORS, Host allow-list, `/metrics` and rate limits; absent: all off (tests of the server alone). */
  security?: HttpSecurityConfig;
}

/** Whether an answer may be compressed: compression's own rule (its content type), except event streams. */
function compressible(req: Request, res: Response): boolean {
  const type = res.getHeader('Content-Type');
  if (typeof type === 'string' && type.toLowerCase().startsWith('text/event-stream')) return false;
  return compression.filter(req, res);
}

/** Whether a request accepts an encoding other than none (`Accept-Encoding` absent or only `identity`: it does not). */
function asksForEncoding(req: Request): boolean {
  const accepted = req.headers['accept-encoding'];
  return accepted !== undefined && accepted.trim() !== '' && accepted.trim().toLowerCase() !== 'identity';
}

/** Deep enough for any entity, template or fact; shallow enough that no handler overflows the stack. */
export const DEFAULT_BODY_DEPTH_LIMIT = 64;

/**
 * The backend's one HTTP server. Requests flow: request id -> metrics -> security headers -> system routes
 * (health, metrics) -> Host allow-list -> CORS for /api -> rate limits of the sign-in endpoints -> refusal of
 * prototype keys in the query -> the body and rate limits routes declare -> JSON parsing for /api (at the
 * route's body limit) -> compression of /api answers for clients that accept it -> mounted routers (plugins at
 * /api/<id> behind their default deny, the app at /) -> JSON 404 -> the shared error handler.
 */
export class HostHttpServer {
  readonly app: Express;
  /** Routes of the host itself: /healthz, /readyz, /metrics. */
  readonly systemRouter = Router();
  /** Everything mounted through the root HTTP router service. */
  readonly router = Router();
  readonly metrics = new Registry();
  /** Body limits and rate limits that routes declare; plugin http routers register their route registries here. */
  readonly routeLimits: RouteLimits;
  readonly server: http.Server;
  private closing = false;
  private listening = false;

  constructor(private readonly options: HostHttpServerOptions) {
    collectDefaultMetrics({ register: this.metrics });
    // prom-client's GC observer checks its labels with for...in: with Object.prototype polluted (the hostile-input
    // case the HTTP metrics survive), it would throw from a PerformanceObserver callback, an uncaught exception that
    // ends the process. One GC sample is dropped instead.
    const gcHistogram = this.metrics.getSingleMetric('nodejs_gc_duration_seconds') as Histogram | undefined;
    if (gcHistogram) {
      const observe = gcHistogram.observe.bind(gcHistogram) as (...args: unknown[]) => void;
      (gcHistogram as unknown as { observe: (...args: unknown[]) => void }).observe = (...args) => {
        try {
          observe(...args);
        } catch {
          // dropped: see above
        }
      };
    }
    this.routeLimits = new RouteLimits({ rateLimits: options.security?.routeRateLimits ?? {}, metrics: this.metrics });
    const app = express();
    app.disable('x-powered-by');
    // Whose X-Forwarded-* headers count (backend.trustProxy; the server alone, in its own tests, trusts any).
    app.set('trust proxy', options.security ? options.security.trustProxy : true);
    // No ETag on res.send/res.json: express's default hashes every body sent (large catalog pages too) only
    // so that a browser revalidating from its HTTP cache may get a 304; no Portico client relies on that,
    // and the server builds the whole body either way. express.static keeps its stat-based ETags; files
    // sent with res.sendFile keep Last-Modified, so If-Modified-Since still gets a 304.
    app.set('etag', false);
    // Express 5's default, pinned: flat keys (`a[b]` stays one key) into null-prototype objects, never qs.
    app.set('query parser', 'simple');
    app.use(requestIdMiddleware());
    app.use(requestLogMiddleware(options.logger));
    app.use(
      createHttpMetricsMiddleware(this.metrics, error =>
        options.logger.error(`Could not record HTTP metrics: ${error instanceof Error ? error.message : String(error)}`),
      ),
    );
    const security = options.security;
    if (security) {
      app.use(securityHeaders({ https: security.baseUrl.protocol === 'https:' }));
      if (!security.metricsPublic) {
        app.get('/metrics', (_req, _res, next) => next(new NotAllowedError('Metrics are not public here (backend.metrics.public)')));
      }
    }
    app.use(this.systemRouter);
    if (security) {
      // After the health routes: probes of an orchestrator address the pod by its IP.
      app.use(hostAllowList({ baseUrl: security.baseUrl, allowedHosts: security.allowedHosts }));
      if (security.cors) {
        const { origins, credentials, methods } = security.cors;
        app.use('/api', cors({ origin: origins, credentials, ...(methods ? { methods } : {}) }));
      }
      if (security.rateLimit) app.use(RATE_LIMITED_PATHS, authRateLimit(security.rateLimit));
    }
    app.use(forbiddenQueryKeys());
    app.use(this.routeLimits.markRoutes());
    app.use(
      '/api',
      jsonBodyParser({ limit: options.bodyLimit, maxDepth: options.bodyDepthLimit ?? DEFAULT_BODY_DEPTH_LIMIT, limitFor: routeBodyLimit }),
    );
    // Answers under /api are compressed for clients that accept it (browsers do: brotli, else gzip): a page of
    // entities is JSON that shrinks five to ten times. Not below 1 KB, not event streams (each event must leave as
    // it is written). A request that asks for no encoding (scripts, calls between plugins, the benchmarks) skips the
    // middleware: wrapping every response cost a quarter of the throughput of small answers.
    const compress = compression({ threshold: 1024, filter: compressible });
    app.use('/api', (req, res, next) => (asksForEncoding(req) ? compress(req, res, next) : next()));
    app.use(this.router);
    app.use(notFoundHandler());
    app.use(createErrorHandler(options.logger));
    this.app = app;
    this.server = http.createServer(app);
    // While closing, finish the request in flight, then drop the keep-alive connection.
    this.server.on('request', (_req, res) => {
      // counted from arrival to the response's end: background work on this thread pauses while requests are served
      res.once('close', requestActivity.started());
      res.on('finish', () => {
        if (this.closing) setImmediate(() => this.server.closeIdleConnections());
      });
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(new Error(`Could not listen on ${this.options.host}:${this.options.port}: ${error.message}`, { cause: error }));
      this.server.once('error', onError);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    this.listening = true;
    this.options.logger.info(`Listening on http://${this.options.host}:${this.port}`);
  }

  /** The port actually bound (differs from the config when it was 0). */
  get port(): number {
    const address = this.server.address() as AddressInfo | null;
    return address?.port ?? this.options.port;
  }

  /** Stops accepting connections and waits for requests in flight, forcing them closed after `timeoutMs`. */
  async close(timeoutMs = 8000): Promise<void> {
    if (!this.listening || this.closing) return;
    this.closing = true;
    await new Promise<void>(resolve => {
      const timer = setTimeout(() => {
        this.options.logger.warn(`Requests still in flight after ${timeoutMs} ms; closing their connections`);
        this.server.closeAllConnections();
      }, timeoutMs);
      timer.unref();
      this.server.close(() => {
        clearTimeout(timer);
        resolve();
      });
      this.server.closeIdleConnections();
    });
    this.listening = false;
  }
}
