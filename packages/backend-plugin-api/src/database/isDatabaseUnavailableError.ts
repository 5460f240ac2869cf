/**
 * Whether an error means the database cannot be reached right now (refused, reset or terminated
 * connections, a server shutting down or not accepting connections, a pool that found no connection in
 * time), as opposed to a bad query. The HTTP layer answers these with 503 and Retry-After, never 500.
 */
export function isDatabaseUnavailableError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const { code, name, message, cause, errors } = error as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return true;
    // 08: connection exception; 57P01-57P03: admin shutdown, crash shutdown, cannot connect now;
    // 55000 with this message: a database not accepting connections (ALLOW_CONNECTIONS false)
    if (/^08...$/.test(code) || /^57P0[123]$/.test(code)) return true;
    if (code === '55000' && /not currently accepting connections/i.test(String(message))) return true;
  }
  if (name === 'KnexTimeoutError') return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some(m => m.test(message))) return true;
  if (Array.isArray(errors) && errors.some(e => isDatabaseUnavailableError(e, depth + 1))) return true;
  return isDatabaseUnavailableError(cause, depth + 1);
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

const UNAVAILABLE_MESSAGES = [
  /Connection terminated/i,
  /Client has encountered a connection error and is not queryable/i,
  /Client was closed and is not queryable/i,
  /Timeout acquiring a connection/i,
  /terminating connection due to administrator command/i,
];
