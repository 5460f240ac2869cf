import { z } from 'zod';
import { createTemplateAction } from '../extensions';
import { guardedRequest, type HostPolicy } from '../service/guardedRequest';

/** Slack's own webhook host is always allowed, on top of `scaffolder.http.allowedHosts`. */
const SLACK_HOSTS = ['hooks.slack.com'];

export function createNotifySlackAction(options: { policy: HostPolicy; defaultWebhookUrl?: string }) {
  return createTemplateAction({
    id: 'notify:slack',
    description: 'Posts a message to a Slack incoming webhook (scaffolder.slack.webhookUrl or the webhookUrl input).',
    supportsDryRun: true,
    resumable: false,
    schema: {
      input: z.object({
        text: z.string().min(1),
        webhookUrl: z.string().optional(),
        blocks: z.array(z.unknown()).optional(),
        username: z.string().optional(),
        iconEmoji: z.string().optional(),
      }),
    },
    async handler(ctx) {
      const url = ctx.input.webhookUrl ?? options.defaultWebhookUrl;
      if (!url) throw new Error('notify:slack needs a webhookUrl input or scaffolder.slack.webhookUrl in config');
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would post to Slack: ${ctx.input.text}`);
        return;
      }
      const payload = {
        text: ctx.input.text,
        ...(ctx.input.blocks ? { blocks: ctx.input.blocks } : {}),
        ...(ctx.input.username ? { username: ctx.input.username } : {}),
        ...(ctx.input.iconEmoji ? { icon_emoji: ctx.input.iconEmoji } : {}),
      };
      await ctx.checkpoint('post', async () => {
        const res = await guardedRequest({
          url,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payload),
          policy: { allowedHosts: [...SLACK_HOSTS, ...options.policy.allowedHosts] },
          signal: ctx.signal,
        });
        if (res.status >= 300) throw new Error(`Slack answered ${res.status}: ${res.body.slice(0, 200)}`);
      });
      ctx.logger.info('Posted to Slack');
    },
  });
}
