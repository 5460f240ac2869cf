import '../../__testUtils__/testSetup';
import { renderInTestApp } from '@portico/app/testing';
import { catalogApiRef } from '@portico/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { exampleEntities, fakeCatalogApi } from '../../__testUtils__/fakeCatalogApi';
import { TemplateGalleryPage } from './TemplateGalleryPage';

function setup(entities = exampleEntities) {
  const catalog = fakeCatalogApi(entities);
  renderInTestApp(<TemplateGalleryPage />, {
    apis: [[catalogApiRef, catalog]],
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

  it('says when the catalog has no templates', async () => {
    setup([]);
    expect(await screen.findByText('No templates yet')).toBeInTheDocument();
  });

  it('shows why the templates could not be loaded and retries', async () => {
    const catalog = fakeCatalogApi(exampleEntities);
    const spy = jest.spyOn(catalog, 'getEntities').mockRejectedValueOnce(new Error('catalog is down'));
    renderInTestApp(<TemplateGalleryPage />, { apis: [[catalogApiRef, catalog]] });
    expect(await screen.findByText('Could not load the templates')).toBeInTheDocument();
    expect(screen.getByText('catalog is down')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('list', { name: 'Templates' })).toBeInTheDocument();
    expect(spy).toHaveBeenCalledTimes(2);
  });
});
