import dns from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { InputError, NotAllowedError } from '@portico/errors';

const privateRanges = new net.BlockList();
for (const [addr, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) privateRanges.addSubnet(addr, prefix, 'ipv4');
for (const [addr, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) {
  privateRanges.addSubnet(addr, prefix, 'ipv6');
}

/** True for loopback, private, link-local, CGNAT, multicast and unspecified addresses. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPrivateAddress(mapped[1]);
  const family = net.isIPv4(address) ? 'ipv4' : net.isIPv6(address) ? 'ipv6' : undefined;
  if (!family) return true;
  return privateRanges.check(address, family);
}

export interface HostPolicy {
  /**
   * Allowed hosts: `api.example.com`, `api.example.com:8443`, `*.example.com`, `*` or an IP address.
   * A host that resolves to a loopback or private address is refused unless it is listed exactly
   * (not through a wildcard).
   */
  allowedHosts: string[];
}

function matches(entry: string, url: URL): 'exact' | 'wildcard' | undefined {
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const e = entry.toLowerCase();
  if (e === '*') return 'wildcard';
  const [entryHost, entryPort] = e.startsWith('[') ? [e.slice(1, e.indexOf(']')), e.split(']:')[1]] : e.split(':').length === 2 ? e.split(':') : [e, undefined];
  if (entryPort && entryPort !== port) return undefined;
  if (entryHost.startsWith('*.')) return host.endsWith(entryHost.slice(1)) ? 'wildcard' : undefined;
  return entryHost === host ? 'exact' : undefined;
}

/** The addresses a host name or IP literal (`[::1]` too) resolves to; an InputError when it resolves to none. */
export async function resolveHost(host: string): Promise<Array<{ address: string; family: 4 | 6 }>> {
  const hostname = host.replace(/^\[|\]$/g, '');
  if (net.isIP(hostname)) return [{ address: hostname, family: net.isIP(hostname) as 4 | 6 }];
  const addresses = await dns.lookup(hostname, { all: true }).catch(() => []);
  if (addresses.length === 0) throw new InputError(`Host '${hostname}' could not be resolved`);
  return addresses.map(a => ({ address: a.address, family: a.family as 4 | 6 }));
}

/**
 * Checks a URL against the policy and resolves its host; returns the address to connect to, so
 * the request goes to the address that was checked (no DNS rebinding between check and connect).
 */
export async function checkUrl(rawUrl: string, policy: HostPolicy): Promise<{ url: URL; address: string; family: 4 | 6 }> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new InputError(`Invalid URL '${rawUrl}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InputError(`Only http and https URLs are allowed, not '${url.protocol}'`);
  const match = policy.allowedHosts.map(e => matches(e, url)).find(m => m === 'exact') ?? policy.allowedHosts.map(e => matches(e, url)).find(Boolean);
  if (!match) {
    throw new NotAllowedError(`Host '${url.host}' is not in scaffolder.http.allowedHosts`);
  }
  const addresses = await resolveHost(url.hostname);
  for (const a of addresses) {
    if (isPrivateAddress(a.address) && match !== 'exact') {
      throw new NotAllowedError(`Host '${url.host}' resolves to the private or loopback address ${a.address}, which is refused unless the host is listed exactly in scaffolder.http.allowedHosts`);
    }
  }
  return { url, address: addresses[0].address, family: addresses[0].family as 4 | 6 };
}

export interface GuardedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** An HTTP request to a checked URL, with a size limit on the answer and an abort signal. */
export async function guardedRequest(options: {
  url: string;
  method: string;
  headers?: Record<string, string>;
  body?: string;
  policy: HostPolicy;
  signal?: AbortSignal;
  timeoutMs?: number;
  maxResponseBytes?: number;
}): Promise<GuardedResponse> {
  const { url, address, family } = await checkUrl(options.url, options.policy);
  const client = url.protocol === 'https:' ? https : http;
  const limit = options.maxResponseBytes ?? 5 * 1024 * 1024;
  return new Promise<GuardedResponse>((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: options.method,
        headers: options.headers,
        signal: options.signal,
        timeout: options.timeoutMs ?? 30_000,
        lookup: (_host, _opts, cb) => {
          const all = (_opts as { all?: boolean }).all;
          if (all) (cb as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address, family }]);
          else cb(null, address, family);
        },
      },
      res => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > limit) {
            req.destroy(new Error(`Response larger than ${limit} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`Request to ${url.host} timed out`)));
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}
