import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { InputError, NotAllowedError } from '@portico/errors';
import { z } from 'zod';
import type { Permission, PolicyDecision } from '@portico/permission-common';
import type { AuditorService } from '../services/definitions/AuditorService';
import type { Credentials } from '../services/definitions/AuthService';
import type { HttpAuthService } from '../services/definitions/HttpAuthService';
import type { PermissionsService } from '../services/definitions/PermissionsService';

const ALLOWED_PRINCIPALS: Record<RouteAuthPolicy, Array<'user' | 'service' | 'none'>> = {
  user: ['user'],
  'user-cookie': ['user'],
  service: ['service'],
  'user-or-service': ['user', 'service'],
  unauthenticated: ['user', 'service', 'none'],
};

/** Where the router of a registry lists its routes, for the host (`httpRouter.use` reads it). */
const DECLARED_ROUTES = Symbol.for('portico.declaredRoutes');

/** The HTTP methods a route may answer. */
export type RouteMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call a route (default `user-or-service`: default deny). `unauthenticated` routes are reachable
 * without credentials (the registry registers the host auth policy for them); `user-cookie` also accepts
 * the session cookie on a plain GET (images, downloads, event streams). Recorded in the OpenAPI entry.
 */
export type RouteAuthPolicy = 'user' | 'service' | 'user-or-service' | 'user-cookie' | 'unauthenticated';

/**
 * The permission a route checks. A basic permission is authorized by the registry before the handler runs
 * (403 when denied); a resource permission is checked by the handler with `authorize(resourceRef)`, or
 * applied to the query with `authorizeConditional()` for list endpoints.
 */
export type RoutePermission = Permission;

/** One answer of a route in its OpenAPI entry. */
export interface RouteResponse<R extends z.ZodType = z.ZodType> {
  /** HTTP status of a successful answer (default 200). */
  status?: number;
  description: string;
  /** The JSON body; omit for an empty answer (204) or a stream. */
  schema?: R;
  /** Content type documented for the answer (default application/json). */
  contentType?: string;
}

/** A route: where it is, what it takes and answers, in words for the OpenAPI document. */
export interface RouteDefinition<
  P extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  B extends z.ZodType | undefined,
  R extends z.ZodType,
> {
  method: RouteMethod;
  /** Express path syntax, relative to the plugin: `/things/:id`. */
  path: string;
  /** One line. */
  summary: string;
  /** What the route does; required, so the published description never has a blank entry. */
  description: string;
  params?: P;
  query?: Q;
  body?: B;
  response: RouteResponse<R>;
  /** Error answers by status, each in words (400 is listed for every route with input). */
  errors?: Partial<Record<400 | 401 | 403 | 404 | 409 | 422 | 503, string>>;
  auth?: RouteAuthPolicy;
  permission?: RoutePermission;
  /** Express middleware run before validation (for example reading a raw body). */
  middleware?: RequestHandler[];
  /**
   * The largest JSON body this route accepts, e.g. `'25mb'` (a larger one is a 413); default: the host's
   * `backend.http.bodyLimit`. The host reads it before the body, so only this route gets the larger limit.
   */
  bodyLimit?: string;
  /** The host's per-client rate limit this route draws from (`backend.rateLimit.routes.<name>`); see {@link RouteRateLimit}. */
  rateLimit?: RouteRateLimit;
}

/**
 * A per-client token bucket of the host (`backend.rateLimit.routes.<name>`, e.g. `'expensive'`), for routes whose
 * requests cost far more than a read by name. With `when`, only the requests it picks (from the raw query) draw.
 * A client is the signed-in user, else the service subject (calls between the portal's own plugins are not
 * limited), else the IP; past the limit the answer is a 429 with Retry-After.
 */
export type RouteRateLimit = string | { bucket: string; when: (req: Request) => boolean };

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What a route handler receives: validated, typed input, the caller, plus the express request and response. */
export interface RouteContext<P, Q, B> {
  params: Parsed<P>;
  query: Parsed<Q>;
  body: Parsed<B>;
  /** The caller, already checked against the route's `auth` (type `none` on `unauthenticated` routes). */
  credentials: Credentials;
  /**
   * For a route with a resource `permission`: the definitive decision for one resource (throws
   * NotAllowedError, 403, and records the denial in the audit log when denied).
   */
  authorize(resourceRef: string): Promise<void>;
  /** For a route with a resource `permission`: the decision for a list query (ALLOW, DENY or CONDITIONAL). */
  authorizeConditional(): Promise<PolicyDecision>;
  req: Request;
  res: Response;
}

/**
 * A handler returns the response body (sent as JSON with the route's status), or nothing after
 * writing the answer itself (a stream, pre-serialised JSON text).
 */
export type RouteHandler<P, Q, B, R extends z.ZodType> = (
  context: RouteContext<P, Q, B>,
) => Promise<z.input<R> | void> | z.input<R> | void;

/** A declared route, kept to describe it. */
export interface DeclaredRoute {
  method: RouteMethod;
  path: string;
  summary: string;
  description: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  response: RouteResponse;
  errors?: Partial<Record<number, string>>;
  auth?: RouteAuthPolicy;
  permission?: RoutePermission;
  bodyLimit?: string;
  rateLimit?: RouteRateLimit;
}

/** Facts about the API for the OpenAPI document's `info` and `servers`, and the services that guard its routes. */
export interface RouteRegistryOptions {
  /** The plugin id: the document's server is `/api/<pluginId>`. */
  pluginId: string;
  /** Reads the caller of each route and enforces its `auth` (every plugin passes its `coreServices.httpAuth`). */
  httpAuth?: HttpAuthService;
  /** Authorizes each route's `permission` (every plugin passes its `coreServices.permissions`). */
  permissions?: PermissionsService;
  /** Where denied requests are recorded (`coreServices.auditor`). */
  auditor?: AuditorService;
  title: string;
  version?: string;
  description: string;
  /** Path of the generated document (default `/openapi.json`); false to not serve it. */
  openApiPath?: string | false;
}

/** An express router plus the typed routes declared on it, and the OpenAPI document they make. */
export interface RouteRegistry {
  /** The express router underneath: mount it with `httpRouter.use`, or add middleware to it. */
  readonly router: Router;
  /** Declares a route; throws at once when the definition misses a summary or description. */
  route<
    R extends z.ZodType,
    P extends z.ZodType | undefined = undefined,
    Q extends z.ZodType | undefined = undefined,
    B extends z.ZodType | undefined = undefined,
  >(definition: RouteDefinition<P, Q, B, R>, handler: RouteHandler<P, Q, B, R>): void;
  /** The routes declared so far. */
  routes(): readonly DeclaredRoute[];
  /** The OpenAPI 3.1 document of the routes declared so far. */
  openApiDocument(): OpenApiDocument;
}

/** Describes a zod issue path as `body.spec.owner` or `query.limit`. */
function issuePath(part: string, path: PropertyKey[]): string {
  return [part, ...path.map(p => String(p))].filter(Boolean).join('.');
}

/** Describes zod issues as `body.spec.owner: <message>; query.limit: <message>`. */
export function formatZodIssues(part: string, error: { issues: Array<{ path: PropertyKey[]; message: string }> }): string {
  return error.issues.map(issue => `${issuePath(part, issue.path)}: ${issue.message}`).join('; ');
}

/**
 * Parses one part of a request. Bad input becomes the one 400 body of every route:
 * `{ error: { name: 'InputError', message: 'body.owner: ...; query.limit: ...', details: { issues } } }`.
 */
export function parseRequestPart<S extends z.ZodType>(part: 'params' | 'query' | 'body', schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map(i => ({ path: issuePath(part, i.path), message: i.message }));
    throw new InputError(formatZodIssues(part, result.error), { issues });
  }
  return result.data;
}

/**
 * Creates a registry of typed routes on an express router. Each route declares zod schemas for
 * its params, query, body and response; the handler gets the parsed values, and the same
 * declarations make the OpenAPI document served at `/openapi.json`.
 */
export function createRouteRegistry(options: RouteRegistryOptions): RouteRegistry {
  const router = express.Router();
  const declared: DeclaredRoute[] = [];
  let document: OpenApiDocument | undefined;
  // The host's default deny reads the declared routes from the mounted router to open `unauthenticated` ones.
  Object.defineProperty(router, DECLARED_ROUTES, { value: () => declared });

  const registry: RouteRegistry = {
    router,
    route(definition, handler) {
      const where = `${definition.method.toUpperCase()} ${definition.path} of plugin '${options.pluginId}'`;
      if (!definition.summary?.trim()) throw new Error(`Route ${where} has no summary`);
      if (!definition.description?.trim()) throw new Error(`Route ${where} has no description`);
      if (definition.bodyLimit !== undefined && !/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/i.test(definition.bodyLimit)) {
        throw new Error(`Route ${where} has bodyLimit '${definition.bodyLimit}': expected a size such as 25mb or 512kb`);
      }
      declared.push(definition as DeclaredRoute);
      document = undefined;
      const status = definition.response.status ?? 200;
      const auth = definition.auth ?? 'user-or-service';
      const allow = ALLOWED_PRINCIPALS[auth];
      const permission = definition.permission;
      const run: RequestHandler = async (req, res) => {
        const credentials: Credentials = options.httpAuth
          ? await options.httpAuth.credentials(req, { allow })
          : { $$type: '@portico/Credentials', principal: { type: 'none' } };
        const deny = async (reason: string, resourceRef?: string): Promise<never> => {
          const event = await options.auditor?.createEvent({ action: permission?.name ?? where, resourceRef, request: req, severity: 'medium' });
          const error = new NotAllowedError(reason);
          await event?.fail({ error });
          throw error;
        };
        if (permission && permission.type === 'basic' && options.permissions) {
          const [decision] = await options.permissions.authorize([{ permission }], { credentials });
          if (decision.result !== 'ALLOW') await deny(decision.reason ?? `Not allowed: ${permission.name}`);
        }
        const resourcePermission = () => {
          if (!permission || permission.type !== 'resource' || !options.permissions) {
            throw new Error(`Route ${where} declares no resource permission (or its registry has no permissions service)`);
          }
          return { permission, permissions: options.permissions };
        };
        const context = {
          params: (definition.params ? parseRequestPart('params', definition.params, req.params) : undefined) as never,
          query: (definition.query ? parseRequestPart('query', definition.query, req.query) : undefined) as never,
          body: (definition.body ? parseRequestPart('body', definition.body, req.body ?? {}) : undefined) as never,
          credentials,
          async authorize(resourceRef: string) {
            const { permission: p, permissions } = resourcePermission();
            const [decision] = await permissions.authorize([{ permission: p, resourceRef }], { credentials });
            if (decision.result !== 'ALLOW') await deny(decision.reason ?? `Not allowed: ${p.name} on ${resourceRef}`, resourceRef);
          },
          async authorizeConditional() {
            const { permission: p, permissions } = resourcePermission();
            const [decision] = await permissions.authorizeConditional([{ permission: p }], { credentials });
            return decision;
          },
          req,
          res,
        };
        const result = await handler(context);
        if (res.headersSent) return;
        if (result === undefined) res.status(status).end();
        else res.status(status).json(result);
      };
      router[definition.method](definition.path, ...(definition.middleware ?? []), run);
    },
    routes: () => declared,
    openApiDocument() {
      document ??= buildOpenApiDocument(options, declared);
      return document;
    },
  };
  if (options.openApiPath !== false) {
    router.get(options.openApiPath ?? '/openapi.json', (_req, res) => {
      res.json(registry.openApiDocument());
    });
  }
  return registry;
}

/** The OpenAPI 3.1 document built from declared routes. */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, unknown> };
}

type JsonSchema = Record<string, unknown>;

const ERROR_SCHEMA = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      required: ['name', 'message'],
      properties: { name: { type: 'string' }, message: { type: 'string' }, details: {} },
    },
  },
};

function buildOpenApiDocument(options: RouteRegistryOptions, routes: readonly DeclaredRoute[]): OpenApiDocument {
  const components: Record<string, unknown> = { Error: ERROR_SCHEMA };
  // Schemas named with `.meta({ id })` become shared components; their `#/$defs/` refs point there.
  const toSchema = (schema: z.ZodType): JsonSchema => {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
    const defs = json.$defs as Record<string, JsonSchema> | undefined;
    delete json.$schema;
    delete json.$defs;
    for (const [id, def] of Object.entries(defs ?? {})) components[id] = retarget(def);
    return retarget(json) as JsonSchema;
  };
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const openApiPath = route.path.replace(/:(\w+)/g, '{$1}');
    const parameters = [
      ...objectProperties(route.params, toSchema).map(p => ({ ...p, in: 'path', required: true })),
      ...objectProperties(route.query, toSchema).map(p => ({ ...p, in: 'query' })),
    ];
    const errors: Record<string, string> = {};
    if (route.params || route.query || route.body) errors[400] = 'Bad input: the message names the field';
    for (const [code, text] of Object.entries(route.errors ?? {})) if (text) errors[code] = text;
    const responseSchema = route.response.schema ? toSchema(route.response.schema) : undefined;
    const operation: Record<string, unknown> = {
      summary: route.summary,
      description: route.description,
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(route.body) } } } }
        : {}),
      responses: {
        [route.response.status ?? 200]: {
          description: route.response.description,
          ...(responseSchema || route.response.contentType
            ? { content: { [route.response.contentType ?? 'application/json']: { schema: responseSchema ?? {} } } }
            : {}),
        },
        ...Object.fromEntries(
          Object.entries(errors).map(([code, description]) => [
            code,
            { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
          ]),
        ),
      },
      ...(route.auth ? { 'x-portico-auth': route.auth } : {}),
      ...(route.permission ? { 'x-portico-permission': route.permission } : {}),
      ...(route.bodyLimit ? { 'x-portico-body-limit': route.bodyLimit } : {}),
      ...(route.rateLimit ? { 'x-portico-rate-limit': typeof route.rateLimit === 'string' ? route.rateLimit : route.rateLimit.bucket } : {}),
    };
    paths[openApiPath] = { ...paths[openApiPath], [route.method]: operation };
  }
  return {
    openapi: '3.1.0',
    info: { title: options.title, version: options.version ?? '1.0.0', description: options.description },
    servers: [{ url: `/api/${options.pluginId}` }],
    paths,
    components: { schemas: components },
  };
}

/** The properties of an object schema as OpenAPI parameters (`name`, `required`, `schema`, `description`). */
function objectProperties(schema: z.ZodType | undefined, toSchema: (s: z.ZodType) => JsonSchema) {
  if (!schema) return [];
  const json = toSchema(schema);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    const isArray = rest.type === 'array' || (Array.isArray(rest.anyOf) && rest.anyOf.some(s => (s as JsonSchema).type === 'array'));
    return {
      name,
      required: required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      // Repeated keys (`filter=a&filter=b`) arrive as an array.
      ...(isArray ? { style: 'form', explode: true } : {}),
      schema: rest,
    };
  });
}

/** Points zod's local `#/$defs/<id>` refs at the document's components. */
function retarget(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(retarget);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === '$ref' && typeof v === 'string' ? v.replace(/^#\/\$defs\//, '#/components/schemas/') : retarget(v),
      ]),
    );
  }
  return value;
}
