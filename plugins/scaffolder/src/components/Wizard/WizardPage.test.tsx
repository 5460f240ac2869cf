import '../../__testUtils__/testSetup';
import { renderInTestApp } from '@portico/app/testing';
import { catalogApiRef } from '@portico/plugin-catalog-react';
import type { TemplateParameterSchema } from '@portico/plugin-scaffolder-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useParams } from 'react-router';
import { scaffolderApiRef } from '../../api/ScaffolderApi';
import { exampleEntities, fakeCatalogApi } from '../../__testUtils__/fakeCatalogApi';
import { fakeScaffolderApi } from '../../__testUtils__/fakeScaffolderApi';
import { WizardPage } from './WizardPage';

// As the backend answers: each page's title and description are also its schema's.
const parameters: TemplateParameterSchema = {
  title: 'New Node.js service',
  description: 'A TypeScript service with CI',
  steps: [
    {
      title: 'About the service',
      description: 'What to call it and who runs it.',
      schema: {
        title: 'About the service',
        description: 'What to call it and who runs it.',
        type: 'object',
        required: ['name', 'owner'],
        properties: {
          name: { type: 'string', title: 'Name', pattern: '^[a-z-]+$', 'ui:autofocus': true },
          owner: { type: 'string', title: 'Owner', 'ui:field': 'OwnerPicker' },
        },
      },
    },
    {
      title: 'Placement',
      schema: {
        title: 'Placement',
        type: 'object',
        properties: {
          system: { type: 'string', title: 'System', 'ui:field': 'EntityPicker', 'ui:options': { allowedKinds: ['System'] } },
        },
      },
    },
  ],
};

function TaskRoute() {
  return <h1>Run {useParams().taskId}</h1>;
}

function setup(schema: TemplateParameterSchema = parameters) {
  const scaffolder = fakeScaffolderApi();
  scaffolder.getTemplateParameterSchema.mockResolvedValue(schema);
  scaffolder.scaffold.mockResolvedValue({ taskId: 'task-9' });
  const catalog = fakeCatalogApi(exampleEntities);
  renderInTestApp(<WizardPage />, {
    apis: [
      [scaffolderApiRef, scaffolder],
      [catalogApiRef, catalog],
    ],
    route: '/create/templates/default/node-service',
    path: '/create/templates/:namespace/:name',
    routes: { '/create/tasks/:taskId': <TaskRoute /> },
  });
  return { scaffolder, catalog, user: userEvent.setup() };
}

describe('WizardPage', () => {
  it('walks the parameter pages with entity pickers, reviews the values and starts the run', async () => {
    const { scaffolder, catalog, user } = setup();
    expect(await screen.findByRole('heading', { name: 'About the service' })).toBeInTheDocument();
    expect(scaffolder.getTemplateParameterSchema).toHaveBeenCalledWith('template:default/node-service');

    await user.type(screen.getByRole('textbox', { name: /^Name/ }), 'checkout');
    await user.click(screen.getByRole('combobox', { name: /^Owner/ }));
    await user.click(await screen.findByRole('option', { name: 'Platform team (platform)' }));
    expect(catalog.calls).toContainEqual(expect.objectContaining({ filter: { kind: ['group', 'user'] } }));
    await user.click(screen.getByRole('button', { name: 'Next' }));

    expect(await screen.findByRole('heading', { name: 'Placement' })).toBeInTheDocument();
    await user.click(screen.getByRole('combobox', { name: /^System/ }));
    await user.click(await screen.findByRole('option', { name: 'system:payments' }));
    await user.click(screen.getByRole('button', { name: 'Next' }));

    const review = await screen.findByRole('table', { name: 'Review values' });
    expect(within(review).getByRole('row', { name: 'Name checkout' })).toBeInTheDocument();
    expect(within(review).getByRole('row', { name: 'Owner group:default/platform' })).toBeInTheDocument();
    expect(within(review).getByRole('row', { name: 'System system:default/payments' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(await screen.findByRole('heading', { name: 'Run task-9' })).toBeInTheDocument();
    expect(scaffolder.scaffold).toHaveBeenCalledWith({
      templateRef: 'template:default/node-service',
      values: { name: 'checkout', owner: 'group:default/platform', system: 'system:default/payments' },
    });
  });

  it('keeps the user on a page whose values fail the schema, and goes back without losing values', async () => {
    const { user } = setup();
    await screen.findByRole('heading', { name: 'About the service' });
    await user.type(screen.getByRole('textbox', { name: /^Name/ }), 'Not Valid');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText('Name is not in the expected format.')).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'About the service' })).toBeInTheDocument();

    await user.clear(screen.getByRole('textbox', { name: /^Name/ }));
    await user.type(screen.getByRole('textbox', { name: /^Name/ }), 'billing');
    await user.click(screen.getByRole('combobox', { name: /^Owner/ }));
    await user.click(await screen.findByRole('option', { name: 'dba' }));
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await screen.findByRole('heading', { name: 'Placement' });
    await user.click(screen.getByRole('button', { name: 'Back' }));
    expect(await screen.findByRole('textbox', { name: /^Name/ })).toHaveValue('billing');
  });

  it('shows a missing entity picker value once, under the picker', async () => {
    const { user } = setup();
    await screen.findByRole('heading', { name: 'About the service' });
    await user.type(screen.getByRole('textbox', { name: /^Name/ }), 'billing');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findAllByText('Owner is required.')).toHaveLength(1);
    expect(screen.getByRole('combobox', { name: /^Owner/ })).toHaveAttribute('aria-invalid', 'true');
  });

  it("shows the page's title and description once, as its heading, not again as the form's", async () => {
    setup();
    const form = await screen.findByRole('region', { name: 'About the service' });
    expect(screen.getAllByRole('heading', { name: 'About the service' })).toHaveLength(1);
    expect(within(form).queryByRole('heading')).not.toBeInTheDocument();
    expect(screen.getAllByText('What to call it and who runs it.')).toHaveLength(1);
  });

  it("says each error once, as a sentence naming the field by its title, or in the template's own words", async () => {
    const { user } = setup({
      title: 'New Node.js service',
      steps: [
        {
          title: 'About the service',
          schema: {
            title: 'About the service',
            type: 'object',
            required: ['name', 'owner', 'contact'],
            properties: {
              name: { type: 'string', title: 'Name', pattern: '^[a-z][a-z0-9-]{1,62}$', description: 'Lower-case letters, digits and dashes.' },
              contact: { type: 'string', title: 'Contact', format: 'email' },
              port: { type: 'integer', title: 'Port', maximum: 65535, 'ui:help': 'A TCP port, 1 to 65535.' },
              slug: { type: 'string', title: 'Slug', pattern: '^[a-z]+$', errorMessage: { pattern: 'A slug is lower-case letters only.' } },
              owner: { type: 'string', title: 'Owner', 'ui:field': 'OwnerPicker' },
            },
          },
        },
      ],
    });
    const form = await screen.findByRole('region', { name: 'About the service' });
    await user.click(screen.getByRole('button', { name: 'Next' }));
    for (const message of ['Name is required.', 'Contact is required.', 'Owner is required.']) {
      expect(await within(form).findAllByText(message)).toHaveLength(1);
    }

    await user.type(screen.getByRole('textbox', { name: /^Name/ }), 'Checkout Service');
    await user.type(screen.getByRole('textbox', { name: /^Contact/ }), 'carol@');
    await user.type(screen.getByRole('spinbutton', { name: /^Port/ }), '70000');
    await user.type(screen.getByRole('textbox', { name: /^Slug/ }), 'Bad');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    expect(await within(form).findAllByText('Name is not in the expected format.')).toHaveLength(1);
    expect(within(form).getAllByText('Contact must be an email address.')).toHaveLength(1);
    expect(within(form).getAllByText('A slug is lower-case letters only.')).toHaveLength(1);
    // the help is the message: said once, and the field is marked invalid
    expect(within(form).getAllByText('A TCP port, 1 to 65535.')).toHaveLength(1);
    expect(screen.getByRole('spinbutton', { name: /^Port/ })).toHaveAttribute('aria-invalid', 'true');
    expect(within(form).getAllByText('Owner is required.')).toHaveLength(1);
    expect(form).not.toHaveTextContent(/must (match|have|NOT)|required property|\^\[a-z\]/);
  });

  it("narrows an entity picker with its catalogFilter and accepts a ref typed by hand", async () => {
    const { catalog, scaffolder, user } = setup({
      title: 'Access',
      steps: [
        {
          title: 'Access request',
          schema: {
            type: 'object',
            properties: {
              team: { type: 'string', title: 'Team', 'ui:field': 'EntityPicker', 'ui:options': { catalogFilter: { kind: 'Group' } } },
              other: { type: 'string', title: 'Other', 'ui:field': 'EntityPicker' },
            },
          },
        },
      ],
    });
    await user.click(await screen.findByRole('combobox', { name: 'Team' }));
    const options = await screen.findAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual(['Platform team (group:platform)', 'group:dba']);
    expect(catalog.calls).toContainEqual(expect.objectContaining({ filter: { kind: 'Group' } }));
    await user.keyboard('{Escape}');
    await user.type(screen.getByRole('combobox', { name: 'Other' }), 'resource:default/orders-db');
    await user.click(screen.getByRole('button', { name: 'Next' }));
    await user.click(await screen.findByRole('button', { name: 'Create' }));
    expect(scaffolder.scaffold).toHaveBeenCalledWith({ templateRef: 'template:default/node-service', values: { other: 'resource:default/orders-db' } });
  });

  it('shows why the run could not start and lets the user try again', async () => {
    const { scaffolder, user } = setup({ title: 'Nothing to ask', steps: [] });
    scaffolder.scaffold.mockRejectedValueOnce(new Error('InputError: values failed the schema'));
    await user.click(await screen.findByRole('button', { name: 'Create' }));
    expect(await screen.findByText('Could not start the run')).toBeInTheDocument();
    expect(screen.getByText('InputError: values failed the schema')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(await screen.findByRole('heading', { name: 'Run task-9' })).toBeInTheDocument();
  });

  it('shows a template whose required step needs a missing plugin as unavailable, with the reason, and no form', async () => {
    setup({
      ...parameters,
      missingActions: [
        {
          action: 'publish:github',
          stepId: 'publish',
          stepName: 'Create the repository',
          optional: false,
          pluginId: 'github',
          packageName: '@portico/plugin-github-backend',
          reason: "Action 'publish:github' is not registered: it comes from the 'github' plugin, which this portal does not run (add @portico/plugin-github-backend to backend.plugins)",
        },
      ],
    });
    const alert = await screen.findByRole('alert', { name: 'Template unavailable' });
    expect(alert).toHaveTextContent('This template is unavailable on this portal');
    expect(alert).toHaveTextContent("Step 'Create the repository' needs action 'publish:github' is not registered: it comes from the 'github' plugin");
    expect(alert).toHaveTextContent('add @portico/plugin-github-backend to backend.plugins');
    expect(screen.queryByRole('button', { name: 'Next' })).not.toBeInTheDocument();
  });

  it('keeps the form when only an optional step is unavailable, and says to leave it unchosen', async () => {
    setup({
      ...parameters,
      missingActions: [
        {
          action: 'pagerduty:service:create',
          stepId: 'pagerduty',
          stepName: 'Create the PagerDuty service',
          optional: true,
          pluginId: 'pagerduty',
          packageName: '@portico/plugin-pagerduty-backend',
          reason: "Action 'pagerduty:service:create' is not registered: it comes from the 'pagerduty' plugin, which this portal does not run (add @portico/plugin-pagerduty-backend to backend.plugins)",
        },
      ],
    });
    const note = await screen.findByLabelText('Optional steps unavailable');
    expect(note).toHaveTextContent("Step 'Create the PagerDuty service' cannot run: action 'pagerduty:service:create' is not registered");
    expect(note).toHaveTextContent('Leave it unchosen.');
    expect(screen.getByRole('heading', { name: 'About the service' })).toBeInTheDocument();
  });

  it('says when the template cannot be loaded', async () => {
    const scaffolder = fakeScaffolderApi();
    scaffolder.getTemplateParameterSchema.mockRejectedValue(new Error('NotFoundError: template not found'));
    renderInTestApp(<WizardPage />, {
      apis: [[scaffolderApiRef, scaffolder]],
      route: '/create/templates/default/missing',
      path: '/create/templates/:namespace/:name',
    });
    expect(await screen.findByText('Could not load the template')).toBeInTheDocument();
    expect(screen.getByText('NotFoundError: template not found')).toBeInTheDocument();
  });
});
