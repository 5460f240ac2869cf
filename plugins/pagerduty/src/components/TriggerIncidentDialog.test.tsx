import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderInTestApp } from '@portico/app/testing';
import { TriggerIncidentDialog } from './TriggerIncidentDialog';

function renderDialog(onConfirm = jest.fn(async () => undefined)) {
  const onClose = jest.fn();
  renderInTestApp(<TriggerIncidentDialog open serviceName="payments" onClose={onClose} onConfirm={onConfirm} />);
  return { onConfirm, onClose };
}

describe('Trigger incident dialog', () => {
  it('refuses a blank title and sends nothing', () => {
    const { onConfirm } = renderDialog();
    fireEvent.change(screen.getByLabelText(/Title/), { target: { value: '   ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Trigger incident' }));
    expect(screen.getByText('A title is required')).toBeInTheDocument();
    expect(screen.getByLabelText(/Title/)).toHaveAttribute('aria-invalid', 'true');
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it('sends the trimmed title, the urgency and the description, then closes', async () => {
    const { onConfirm, onClose } = renderDialog();
    expect(screen.getByRole('dialog', { name: 'Trigger an incident on payments' })).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText(/Title/), { target: { value: '  Checkout down  ' } });
    fireEvent.mouseDown(screen.getByRole('combobox', { name: /Urgency/ }));
    fireEvent.click(screen.getByRole('option', { name: 'Low' }));
    fireEvent.change(screen.getByLabelText('Description'), { target: { value: 'Every card payment fails' } });
    fireEvent.click(screen.getByRole('button', { name: 'Trigger incident' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(onConfirm).toHaveBeenCalledWith({ title: 'Checkout down', urgency: 'low', description: 'Every card payment fails' });
  });

  it('keeps what was typed and shows the error when sending fails', async () => {
    const { onClose } = renderDialog(jest.fn(async () => { throw new Error('PagerDuty is unreachable'); }));
    fireEvent.change(screen.getByLabelText(/Title/), { target: { value: 'Checkout down' } });
    fireEvent.click(screen.getByRole('button', { name: 'Trigger incident' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('PagerDuty is unreachable');
    expect(screen.getByLabelText(/Title/)).toHaveValue('Checkout down');
    expect(onClose).not.toHaveBeenCalled();
  });
});
