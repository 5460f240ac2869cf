/**
 * Every route a running backend answers, read from its express routers (as test/hostile/everyRoute.test.ts
 * does), so a route added later is in the matrix without anyone listing it. The route registries' own
 * declarations (auth policy, permission) are attached where the router is a registry's.
 */
import type { Express } from 'express';

interface RouteLayer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: RouteLayer[]; router?: { stack?: RouteLayer[] } } & Record<symbol, unknown>;
}

interface DeclaredRoute {
  method: string;
  path: string;
  auth?: string;
  permission?: { name: string; type: string };
}

export interface Route {
  method: string;
  /** The express pattern, from the root: `/api/catalog/entities/by-name/:kind/:namespace/:name`. */
  path: string;
  /** What the plugin's route registry declares, when the route comes from one. */
  declared?: { auth: string; permission?: string };
}

/** Where createRouteRegistry lists a router's declared routes. */
const DECLARED_ROUTES = Symbol.for('portico.declaredRoutes');

function walk(stack: RouteLayer[], prefix: string, declared: DeclaredRoute[] | undefined, out: Route[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const p of paths) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (!on || method === '_all') continue;
          const found = declared?.find(d => d.method === method && d.path === p);
          out.push({
            method,
            path: `${prefix}${String(p)}`,
            ...(found ? { declared: { auth: found.auth ?? 'user-or-service', ...(found.permission ? { permission: found.permission.name } : {}) } } : {}),
          });
        }
      }
      continue;
    }
    const inner = layer.handle?.stack ?? layer.handle?.router?.stack;
    if (!inner) continue;
    const list = layer.handle?.[DECLARED_ROUTES];
    const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
    walk(inner, `${prefix}${mount}`, typeof list === 'function' ? (list as () => DeclaredRoute[])() : declared, out);
  }
}

/**
 * Every method and path the app answers, once each. The host's default-deny router repeats a registry's
 * `unauthenticated` routes (to open them); those copies are the same method and path and collapse here.
 */
export function listRoutes(app: Express): Route[] {
  const out: Route[] = [];
  walk(app.router.stack as unknown as RouteLayer[], '', undefined, out);
  const byKey = new Map<string, Route>();
  for (const route of out) {
    const key = routeKey(route);
    const seen = byKey.get(key);
    if (!seen || (!seen.declared && route.declared)) byKey.set(key, route);
  }
  return [...byKey.values()];
}

/** `GET /api/catalog/entities`: the key of a route in the matrix. */
export function routeKey(route: { method: string; path: string }): string {
  return `${route.method.toUpperCase()} ${route.path}`;
}
