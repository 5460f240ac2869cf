import '../../__testUtils__/testTimeouts';
import type { Entity } from '@portico/catalog-model';
import { renderInTestApp } from '@portico/app/testing';
import { EntityProvider } from '@portico/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { LocationProbe } from '../../__testUtils__/LocationProbe';
import { RelationsCard } from './RelationsCard';

const rel = (type: string, targetRef: string) => ({ type, targetRef });

/** A team that owns 20 components and has 3 members: 25 neighbours, past what one ring of nodes can show. */
const storefront: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'storefront', namespace: 'default', title: 'Storefront team' },
  spec: { type: 'team', children: [] },
  relations: [
    rel('childOf', 'group:default/engineering'),
    ...['ann', 'bob', 'cy'].map(name => rel('hasMember', `user:default/${name}`)),
    ...Array.from({ length: 20 }, (_, i) => rel('ownerOf', `component:default/shop-${String(i).padStart(2, '0')}`)),
    rel('ownerOf', 'api:default/cart-api'),
  ],
};

function renderCard(entity: Entity) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <RelationsCard />
      <LocationProbe />
    </EntityProvider>,
  );
}

describe('RelationsCard', () => {
  it('groups the neighbours by relation type, each group titled with its relation and count', () => {
    renderCard(storefront);
    const graph = screen.getByRole('group', { name: 'Relations of group:storefront' });
    const groups = within(graph).getAllByRole('group');
    expect(groups.map(g => g.getAttribute('aria-label'))).toEqual(['child of (1)', 'owner of (21)', 'has member (3)']);
    const members = within(graph).getByRole('group', { name: 'has member (3)' });
    expect(within(members).getAllByRole('link').map(l => l.getAttribute('aria-label'))).toEqual([
      'has member user:ann',
      'has member user:bob',
      'has member user:cy',
    ]);
    expect(within(members).getByText('HAS MEMBER · 3')).toBeInTheDocument();
  });

  it('collapses a large group to a few neighbours and a count, and expands it on click', async () => {
    const user = userEvent.setup();
    renderCard(storefront);
    const owned = screen.getByRole('group', { name: 'owner of (21)' });
    expect(within(owned).getAllByRole('link')).toHaveLength(3);
    const more = within(owned).getByRole('button', { name: 'owner of: show 18 more' });
    expect(more).toHaveAttribute('aria-expanded', 'false');
    expect(within(more).getByText('+ 18 more')).toBeInTheDocument();

    await user.click(more);
    expect(within(owned).getAllByRole('link')).toHaveLength(21);
    expect(within(owned).getByRole('link', { name: 'owner of component:shop-19' })).toHaveAttribute('href', '/catalog/default/component/shop-19');
    const fewer = within(owned).getByRole('button', { name: 'owner of: show fewer' });
    expect(fewer).toHaveAttribute('aria-expanded', 'true');

    fewer.focus();
    await user.keyboard('{Enter}');
    expect(within(owned).getAllByRole('link')).toHaveLength(3);
  });

  it('opens a neighbour\'s page from the graph', async () => {
    const user = userEvent.setup();
    renderCard(storefront);
    await user.click(screen.getByRole('link', { name: 'child of group:engineering' }));
    expect(screen.getByLabelText('Current location')).toHaveTextContent('/catalog/default/group/engineering');
  });
});
