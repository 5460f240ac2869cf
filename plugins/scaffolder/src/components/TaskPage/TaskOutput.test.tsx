import { renderInTestApp } from '@portico/app/testing';
import { screen, within } from '@testing-library/react';
import { TaskOutput } from './TaskOutput';

describe('TaskOutput', () => {
  it('links http(s) output URLs and shows javascript: and data: URLs as plain text', async () => {
    renderInTestApp(
      <TaskOutput
        output={{
          links: [
            { title: 'Repository', url: 'https://github.com/acme/new-service' },
            { title: 'Click me', url: 'javascript:alert(document.cookie)' },
            { url: 'data:text/html,<script>alert(1)</script>' },
          ],
        }}
      />,
    );
    const links = await screen.findByRole('list', { name: 'Output links' });
    expect(within(links).getAllByRole('link')).toHaveLength(1);
    expect(within(links).getByRole('link', { name: 'Repository' })).toHaveAttribute('href', 'https://github.com/acme/new-service');
    expect(within(links).getByText('Click me')).toBeInTheDocument();
    expect(within(links).getByText('data:text/html,<script>alert(1)</script>')).toBeInTheDocument();
  });
});
