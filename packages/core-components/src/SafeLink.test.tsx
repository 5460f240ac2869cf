import { render, screen } from '@testing-library/react';
import { SafeLink } from './SafeLink';

describe('SafeLink', () => {
  it('renders an http(s), mailto or relative URL as a link, opening a new tab when external', () => {
    render(
      <>
        <SafeLink url="https://example.com/docs" external>
          Docs
        </SafeLink>
        <SafeLink url="mailto:team@example.com">Mail</SafeLink>
        <SafeLink url="/catalog">Catalog</SafeLink>
      </>,
    );
    const docs = screen.getByRole('link', { name: 'Docs' });
    expect(docs).toHaveAttribute('href', 'https://example.com/docs');
    expect(docs).toHaveAttribute('target', '_blank');
    expect(docs).toHaveAttribute('rel', 'noopener noreferrer');
    expect(screen.getByRole('link', { name: 'Mail' })).toHaveAttribute('href', 'mailto:team@example.com');
    expect(screen.getByRole('link', { name: 'Catalog' })).toHaveAttribute('href', '/catalog');
  });

  it('renders a javascript: or data: URL as plain text', () => {
    render(
      <>
        <p>
          <SafeLink url="javascript:alert(document.cookie)">Script</SafeLink>
        </p>
        <p>
          <SafeLink url="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==" external>
            Data
          </SafeLink>
        </p>
      </>,
    );
    expect(screen.queryAllByRole('link')).toEqual([]);
    expect(screen.getByText('Script')).toBeInTheDocument();
    expect(screen.getByText('Data')).toBeInTheDocument();
  });
});
