import { z } from 'zod';
import { createTemplateAction, type ScaffolderActionsExtensionPoint, type TemplateAction } from './extensionPoints';

describe('scaffolder.actions', () => {
  it('takes actions with typed input schemas as they are, without a cast', async () => {
    const added: TemplateAction[] = [];
    const actions: ScaffolderActionsExtensionPoint = { addActions: (...list) => void added.push(...list) };
    const seen: string[] = [];
    const greet = createTemplateAction({
      id: 'acme:greet',
      schema: { input: z.object({ name: z.string() }) },
      async handler(ctx) {
        seen.push(ctx.input.name.toUpperCase());
      },
    });
    const count = createTemplateAction({
      id: 'acme:count',
      schema: { input: z.object({ times: z.number() }) },
      async handler(ctx) {
        seen.push(String(ctx.input.times + 1));
      },
    });

    actions.addActions(greet, count);

    expect(added.map(a => a.id)).toEqual(['acme:greet', 'acme:count']);
    await added[0]!.handler({ input: { name: 'ada' } } as Parameters<TemplateAction['handler']>[0]);
    expect(seen).toEqual(['ADA']);
  });
});
