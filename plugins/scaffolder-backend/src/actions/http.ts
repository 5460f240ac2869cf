import type { JsonValue } from '@portico/plugin-scaffolder-common';
import { z } from 'zod';
import { createTemplateAction } from '../extensions';
import { guardedRequest, type HostPolicy } from '../service/guardedRequest';

export function createHttpRequestAction(options: { policy: HostPolicy }) {
  return createTemplateAction({
    id: 'http:request',
    description:
      'Sends an HTTP request to a host on scaffolder.http.allowedHosts (loopback and private addresses are refused unless the host is listed exactly) and outputs the status, headers and body.',
    supportsDryRun: false,
    // Re-running after a crash mid-request could send it twice.
    resumable: false,
    schema: {
      input: z.object({
        method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
        url: z.string().min(1),
        headers: z.record(z.string(), z.string()).optional(),
        body: z.unknown().optional().describe('A string is sent as is; anything else as JSON'),
        timeoutMs: z.number().int().positive().max(300_000).optional(),
        continueOnBadResponse: z.boolean().optional().describe('Do not fail the step on a 4xx/5xx answer'),
      }),
      output: z.object({ code: z.number(), headers: z.record(z.string(), z.string()), body: z.unknown() }),
    },
    async handler(ctx) {
      const { method, url, headers = {}, body, timeoutMs, continueOnBadResponse } = ctx.input;
      let payload: string | undefined;
      const sendHeaders = { ...headers };
      if (body !== undefined) {
        payload = typeof body === 'string' ? body : JSON.stringify(body);
        if (typeof body !== 'string' && !Object.keys(sendHeaders).some(h => h.toLowerCase() === 'content-type')) {
          sendHeaders['content-type'] = 'application/json';
        }
      }
      ctx.logger.info(`${method} ${url}`);
      const res = await ctx.checkpoint('response', async () => {
        const r = await guardedRequest({ url, method, headers: sendHeaders, body: payload, policy: options.policy, signal: ctx.signal, timeoutMs });
        return { status: r.status, headers: r.headers, body: r.body } as JsonValue;
      }) as { status: number; headers: Record<string, string>; body: string };
      ctx.logger.info(`Answered ${res.status}`);
      let parsed: JsonValue = res.body;
      if ((res.headers['content-type'] ?? '').includes('json') && res.body) {
        try {
          parsed = JSON.parse(res.body) as JsonValue;
        } catch {
          parsed = res.body;
        }
      }
      if (res.status >= 400 && !continueOnBadResponse) {
        throw new Error(`${method} ${url} answered ${res.status}: ${res.body.slice(0, 500)}`);
      }
      ctx.output('code', res.status);
      ctx.output('headers', res.headers);
      ctx.output('body', parsed);
    },
  });
}
