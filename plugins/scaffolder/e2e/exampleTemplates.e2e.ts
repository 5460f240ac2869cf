// Issue 19, item 1, in a browser: the portal as `npm start` runs it (the default app-config's plugins and example
// templates) shows every example template as one that can run, and their pages open on the form, not on
// "Template action with ID 'publish:github' is not registered".
import { openPortal, type PortalSession } from '../../../packages/app/e2e/harness';

describe('the example templates of the default portal in a browser', () => {
  let s: PortalSession;
  beforeAll(async () => {
    s = await openPortal('example-templates');
  });
  afterAll(async () => {
    await s?.close();
  });

  it('lists each example template as runnable in the gallery, with the optional PagerDuty step marked unavailable', async () => {
    await s.goto('/create');
    const list = s.page.getByRole('list', { name: 'Templates' });
    for (const title of ['Documentation site', 'New Node.js service', 'Request database access']) {
      await list.getByRole('link', { name: `Choose ${title}` }).waitFor();
    }
    expect(await s.page.getByLabel(/ is unavailable$/).count()).toBe(0);
    // One "Node.js service", not two.
    expect(await list.getByRole('article', { name: /Node\.js service/ }).count()).toBe(1);
    await list.getByRole('article', { name: 'New Node.js service' }).getByText("Optional step unavailable: Create the PagerDuty service (needs the 'pagerduty' plugin).").waitFor();
    await s.shot('gallery');
  });

  it('opens the Documentation site on its form', async () => {
    await s.goto('/create/templates/default/docs-site');
    await s.page.getByRole('heading', { name: 'Site', level: 2 }).waitFor();
    await s.page.getByRole('button', { name: 'Next' }).waitFor();
    expect(await s.page.getByText(/is not registered/).count()).toBe(0);
    await s.shot('docs-site');
  });

  it('opens New Node.js service on its form, saying the PagerDuty step cannot be chosen here', async () => {
    await s.goto('/create/templates/default/new-node-service');
    await s.page.getByRole('heading', { name: 'About the service', level: 2 }).waitFor();
    const note = s.page.getByLabel('Optional steps unavailable');
    await note.getByText(/Step 'Create the PagerDuty service' cannot run: action 'pagerduty:service:create' is not registered/).waitFor();
    expect(await s.page.getByRole('alert', { name: 'Template unavailable' }).count()).toBe(0);
    await s.shot('new-node-service');
  });
});
