import { render, screen } from '@testing-library/react';
import { RemediationText } from './RemediationText';

describe('RemediationText', () => {
  it('renders code spans as code and leaves everything else as text', () => {
    const { container } = render(<RemediationText text="Set `spec.owner` in <b>catalog-info.yaml</b>" />);
    expect(screen.getByText('spec.owner').tagName).toBe('CODE');
    expect(container).toHaveTextContent('Set spec.owner in <b>catalog-info.yaml</b>');
    expect(container.querySelector('b')).toBeNull();
  });

  it('keeps an unpaired backtick as text', () => {
    const { container } = render(<RemediationText text="Run `make test" />);
    expect(container).toHaveTextContent('Run `make test');
    expect(container.querySelector('code')).toBeNull();
  });
});
