import '../../__testUtils__/testTimeouts';
import { mockApis, renderInTestApp } from '@portico/app/testing';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { identityApiRef } from '@portico/frontend-plugin-api';
import { catalogApiRef } from '@portico/plugin-catalog-react';
import { FakeCatalogApi } from '../../__testUtils__/fakeCatalogApi';
import { exampleOrg, manyComponents } from '../../__testUtils__/fixtures';
import { MyComponentsCard } from './MyComponentsCard';

const jane = mockApis.identity({ userEntityRef: 'user:default/jane', ownershipEntityRefs: ['user:default/jane', 'group:default/team-b'] });

describe('MyComponentsCard', () => {
  it('asks the catalog for what the user and their groups own, and lists it with kind, type and a link', async () => {
    const api = new FakeCatalogApi(exampleOrg());
    const query = jest.spyOn(api, 'queryEntities');
    renderInTestApp(<MyComponentsCard />, { apis: [[catalogApiRef, api], [identityApiRef, jane]] });
    const list = await screen.findByRole('list', { name: 'My components' });
    expect(within(list).getByRole('link', { name: 'website' })).toHaveAttribute('href', '/catalog/default/component/website');
    expect(within(list).getByText('Component · website')).toBeInTheDocument();
    expect(within(list).getByText('API · asyncapi')).toBeInTheDocument();
    expect(within(list).getAllByRole('listitem')).toHaveLength(2);
    expect(query.mock.calls[0][0]).toMatchObject({ filter: { 'relations.ownedBy': ['user:default/jane', 'group:default/team-b'] } });
    expect(screen.getByRole('link', { name: 'Owned by me in the catalog' })).toHaveAttribute('href', '/catalog?owned=me&kind=Component&kind=API&kind=Resource&kind=System&kind=Domain');
  });

  it('says how many there are when there are more than it shows', async () => {
    const api = new FakeCatalogApi(manyComponents(40));
    const owner = api.entities[0].relations!.find(r => r.type === 'ownedBy')!.targetRef;
    const total = api.entities.filter(e => e.relations?.some(r => r.type === 'ownedBy' && r.targetRef === owner)).length;
    renderInTestApp(<MyComponentsCard />, {
      apis: [[catalogApiRef, api], [identityApiRef, mockApis.identity({ ownershipEntityRefs: [owner] })]],
    });
    expect(await screen.findByRole('link', { name: `All ${total} you own in the catalog` })).toHaveAttribute('href', '/catalog?owned=me&kind=Component&kind=API&kind=Resource&kind=System&kind=Domain');
    expect(within(screen.getByRole('list', { name: 'My components' })).getAllByRole('listitem')).toHaveLength(10);
  });

  it('says what to do when the user owns nothing', async () => {
    renderInTestApp(<MyComponentsCard />, { apis: [[catalogApiRef, new FakeCatalogApi(exampleOrg())]] });
    expect(await screen.findByText('You own no components yet')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'register one' })).toHaveAttribute('href', '/catalog-import');
  });

  it('shows the error with a retry when the catalog fails', async () => {
    const api = new FakeCatalogApi(exampleOrg());
    jest.spyOn(api, 'queryEntities').mockRejectedValueOnce(new Error('catalog down'));
    renderInTestApp(<MyComponentsCard />, { apis: [[catalogApiRef, api], [identityApiRef, jane]] });
    expect(await screen.findByText('catalog down')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: /retry/i }));
    expect(await screen.findByRole('link', { name: 'website' })).toBeInTheDocument();
  });
});
