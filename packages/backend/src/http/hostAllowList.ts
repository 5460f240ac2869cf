import type { RequestHandler } from 'express';
import { MisdirectedRequestError } from '@portico/errors';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function hostname(host: string): string {
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
}

/**
 * Refuses requests whose Host header is not the host of `backend.baseUrl`, a loopback host (any port: the
 * host's own calls, tests) or one of `backend.allowedHosts` (a name, or name:port). A page on an attacker's
 * domain that rebinds its DNS to this server sends its own domain as Host, and is refused (DNS rebinding).
 */
export function hostAllowList(options: { baseUrl: URL; allowedHosts: string[] }): RequestHandler {
  if (options.allowedHosts.includes('*')) return (_req, _res, next) => next();
  const allowed = new Set([options.baseUrl.host.toLowerCase(), ...options.allowedHosts.map(h => h.toLowerCase())]);
  return (req, _res, next) => {
    const host = (req.headers.host ?? '').toLowerCase();
    if (allowed.has(host) || allowed.has(hostname(host)) || LOOPBACK.has(hostname(host))) return next();
    next(new MisdirectedRequestError(`Host '${host}' is not served here (backend.baseUrl, backend.allowedHosts)`));
  };
}
