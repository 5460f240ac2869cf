import '../../__testUtils__/testSetup';
import { renderInTestApp } from '@portico/app/testing';
import { catalogApiRef } from '@portico/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Entity } from '@portico/catalog-model';
import { scaffolderApiRef } from '../../api/ScaffolderApi';
import { exampleEntities, fakeCatalogApi, template } from '../../__testUtils__/fakeCatalogApi';
import { fakeScaffolderApi } from '../../__testUtils__/fakeScaffolderApi';
import { TemplateGalleryPage } from './TemplateGalleryPage';

/** A scaffolder that has the built-in actions only. */
function scaffolderWith(actions = ['fetch:template', 'publish:git', 'catalog:register', 'debug:log']) {
  const scaffolder = fakeScaffolderApi();
  scaffolder.listActions.mockResolvedValue(actions.map(id => ({ id, schema: {}, supportsDryRun: true })));
  return scaffolder;
}

function withSteps(entity: Entity, steps: Array<{ id: string; name?: string; action: string; if?: string }>): Entity {
  return { ...entity, spec: { ...entity.spec, steps } };
}

function setup(entities = exampleEntities, scaffolder = scaffolderWith()) {
  const catalog = fakeCatalogApi(entities);
  renderInTestApp(<TemplateGalleryPage />, {
    apis: [
      [catalogApiRef, catalog],
      [scaffolderApiRef, scaffolder],
    ],
    route: '/create',
    routes: { '/create/templates/:namespace/:name': <h1>Wizard</h1> },
  });
  return { catalog, user: userEvent.setup() };
}

describe('TemplateGalleryPage', () => {
  it('lists the Template entities of the catalog and opens the wizard of the one chosen', async () => {
    const { catalog, user } = setup();
    const list = await screen.findByRole('list', { name: 'Templates' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(2);
    expect(catalog.calls[0]).toEqual({ filter: { kind: 'template' } });
    const card = within(list).getByRole('article', { name: 'New Node.js service' });
    expect(within(card).getByText('A TypeScript service with CI')).toBeInTheDocument();
    expect(within(card).getByText('Owner: platform')).toBeInTheDocument();
    await user.click(within(card).getByRole('link', { name: 'Choose New Node.js service' }));
    expect(await screen.findByRole('heading', { name: 'Wizard' })).toBeInTheDocument();
  });

  it('searches by text and filters by tag and owner', async () => {
    const { user } = setup();
    await screen.findByRole('list', { name: 'Templates' });
    await user.type(screen.getByRole('textbox', { name: 'Search templates' }), 'database');
    expect(screen.getAllByRole('article').map(a => a.getAttribute('aria-label'))).toEqual(['Request database access']);
    await user.clear(screen.getByRole('textbox', { name: 'Search templates' }));

    await user.click(screen.getByRole('combobox', { name: 'Tags' }));
    await user.click(await screen.findByRole('option', { name: 'recommended' }));
    expect(screen.getAllByRole('article').map(a => a.getAttribute('aria-label'))).toEqual(['New Node.js service']);
    await user.keyboard('{Escape}');

    await user.click(screen.getByRole('combobox', { name: 'Owner' }));
    await user.click(await screen.findByRole('option', { name: 'dba' }));
    expect(screen.queryAllByRole('article')).toHaveLength(0);
    expect(screen.getByText('No templates match')).toBeInTheDocument();
  });

  it('shows a template whose action no installed plugin provides as unavailable, naming the plugin, and leads to why', async () => {
    const github = withSteps(template('docs-github', { title: 'Docs on GitHub' }), [
      { id: 'fetch', action: 'fetch:template' },
      { id: 'publish', action: 'publish:github' },
    ]);
    const optional = withSteps(template('node', { title: 'Node with paging' }), [
      { id: 'fetch', action: 'fetch:template' },
      { id: 'pd', name: 'Create the PagerDuty service', action: 'pagerduty:service:create', if: '${{ parameters.pagerduty }}' },
    ]);
    const { user } = setup([github, optional]);
    const card = await screen.findByRole('article', { name: 'Docs on GitHub' });
    expect(await within(card).findByLabelText('Docs on GitHub is unavailable')).toHaveTextContent(
      "Unavailable: Action 'publish:github' is not registered: it comes from the 'github' plugin, which this portal does not run (add @portico/plugin-github-backend to backend.plugins).",
    );
    expect(within(card).queryByRole('link', { name: 'Choose Docs on GitHub' })).not.toBeInTheDocument();
    // A missing action in an optional step leaves the template runnable, with a note.
    const runnable = screen.getByRole('article', { name: 'Node with paging' });
    expect(within(runnable).getByRole('link', { name: 'Choose Node with paging' })).toBeInTheDocument();
    expect(within(runnable).getByText("Optional step unavailable: Create the PagerDuty service (needs the 'pagerduty' plugin).")).toBeInTheDocument();
    await user.click(within(card).getByRole('link', { name: 'Why Docs on GitHub is unavailable' }));
    expect(await screen.findByRole('heading', { name: 'Wizard' })).toBeInTheDocument();
  });

  it('says when the catalog has no templates', async () => {
    setup([]);
    expect(await screen.findByText('No templates yet')).toBeInTheDocument();
  });

  it('shows why the templates could not be loaded and retries', async () => {
    const catalog = fakeCatalogApi(exampleEntities);
    const spy = jest.spyOn(catalog, 'getEntities').mockRejectedValueOnce(new Error('catalog is down'));
    renderInTestApp(<TemplateGalleryPage />, {
      apis: [
        [catalogApiRef, catalog],
        [scaffolderApiRef, scaffolderWith()],
      ],
    });
    expect(await screen.findByText('Could not load the templates')).toBeInTheDocument();
    expect(screen.getByText('catalog is down')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('list', { name: 'Templates' })).toBeInTheDocument();
    expect(spy).toHaveBeenCalledTimes(2);
  });
});
