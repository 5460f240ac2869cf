import { Router } from 'express';
import type { Registry } from 'prom-client';
import type { RootHealthService } from '../services/health/RootHealthService';
import { metricsText } from './hostMetrics';

/** `/healthz` (alive), `/readyz` (every plugin started or allowed to fail) and `/metrics`. */
export function createHealthRoutes(options: { health: RootHealthService; metrics: Registry }): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    res.json(await options.health.getLiveness());
  });
  router.get('/readyz', async (_req, res) => {
    const report = await options.health.getReadiness();
    res.status(report.status === 'ready' ? 200 : 503).json(report);
  });
  router.get('/metrics', async (_req, res) => {
    res.type(options.metrics.contentType).send(await metricsText(options.metrics));
  });
  return router;
}
