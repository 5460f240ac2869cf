import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Link, useParams } from 'react-router';
import type { Entity } from '@portico/catalog-model';
import { alertApiRef, configApiRef, createApiRef, createFrontendPlugin, useApi } from '@portico/frontend-plugin-api';
import { renderInTestApp } from '@portico/app/testing';
import { EntityTabBlueprint } from '../blueprints/EntityTabBlueprint';
import { EntityProvider, useEntity } from './EntityContext';
import { useEntityTabs } from './useEntityExtensions';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout' },
  spec: { type: 'service' },
};

const greetingApiRef = createApiRef<{ greet(name: string): string }>({ id: 'plugin.test.greeting' });

function Greeting() {
  const { entity: current } = useEntity();
  const greeting = useApi(greetingApiRef);
  const title = useApi(configApiRef).getOptionalString('app.title');
  return (
    <p>
      {greeting.greet(current.metadata.name)} from {title}
    </p>
  );
}

describe('renderInTestApp', () => {
  it('provides apis, config and the entity', () => {
    renderInTestApp(<EntityProvider entity={entity}><Greeting /></EntityProvider>, { config: { app: { title: 'Portico' } }, apis: [[greetingApiRef, { greet: (name: string) => `Hello ${name}` }]] });
    expect(screen.getByText('Hello checkout from Portico')).toBeInTheDocument();
  });

  it('mounts the element at a route pattern and serves extra routes', async () => {
    function NameFromUrl() {
      const { name } = useParams();
      return <Link to="/other">{name}</Link>;
    }
    renderInTestApp(<NameFromUrl />, {
      route: '/catalog/default/component/checkout',
      path: '/catalog/:namespace/:kind/:name',
      routes: { '/other': <h1>Other page</h1> },
    });
    await userEvent.click(screen.getByRole('link', { name: 'checkout' }));
    expect(await screen.findByRole('heading', { name: 'Other page' })).toBeInTheDocument();
  });

  it('registers plugin extensions for the entity hooks and records alerts', async () => {
    const plugin = createFrontendPlugin({
      id: 'tabs',
      extensions: [
        EntityTabBlueprint({ path: 'apis', title: 'APIs', filter: { kind: 'Component' }, loader: async () => () => <p>apis</p> }),
        EntityTabBlueprint({ path: 'members', title: 'Members', filter: { kind: 'Group' }, loader: async () => () => null }),
      ],
    });
    function Tabs() {
      const tabs = useEntityTabs(useEntity().entity);
      const alerts = useApi(alertApiRef);
      return (
        <button onClick={() => alerts.post({ message: 'clicked' })}>{tabs.map(t => t.data.title).join(',')}</button>
      );
    }
    const { alertApi } = renderInTestApp(<EntityProvider entity={entity}><Tabs /></EntityProvider>, { plugins: [plugin] });
    await userEvent.click(screen.getByRole('button', { name: 'APIs' }));
    expect(alertApi.alerts).toEqual([{ message: 'clicked' }]);
  });
});
