import type { Handler } from 'express';

/** Mounts a plugin's routes under `/api/<pluginId>`. */
export interface HttpRouterService {
  use(handler: Handler): void;
  /** Lets unauthenticated requests reach a path of this plugin (for webhooks, health of a plugin). */
  addAuthPolicy(policy: { path: string; allow: 'unauthenticated' | 'user-cookie' }): void;
}

/** The root express app. `use(path, handler)` mounts anything at any path. */
export interface RootHttpRouterService {
  use(path: string, handler: Handler): void;
}
