import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@portico/app/testing';
import { useLocation } from 'react-router';
import { PeriodPicker } from './PeriodPicker';
import { periodOf, useInsightsPeriod } from './useInsightsPeriod';

/** The picker, the period it resolves to and the URL's query, as a shared link would hold it. */
function Harness() {
  const period = useInsightsPeriod();
  return (
    <>
      <PeriodPicker period={period} />
      <output aria-label="URL query">{useLocation().search}</output>
      <output aria-label="Resolved period">{`${period.from}..${period.to} ${period.interval} ${period.days}`}</output>
    </>
  );
}

const query = () => screen.getByLabelText('URL query');

describe('period picker', () => {
  it('defaults to the last 90 days by week', () => {
    renderInTestApp(<Harness />, { route: '/x' });
    expect(screen.getByRole('combobox', { name: 'Range' })).toHaveTextContent('Last 90 days');
    expect(screen.getByRole('combobox', { name: 'Interval' })).toHaveTextContent('Week');
    expect(screen.getByLabelText('Resolved period')).toHaveTextContent(/ week 90$/);
  });

  it('puts a preset range and the interval in the URL', async () => {
    const user = userEvent.setup();
    renderInTestApp(<Harness />, { route: '/x?interval=month' });
    await user.click(screen.getByRole('combobox', { name: 'Range' }));
    await user.click(await screen.findByRole('option', { name: 'Last 180 days' }));
    await waitFor(() => expect(query()).toHaveTextContent('?interval=month&range=180d'));
    expect(screen.getByLabelText('Resolved period')).toHaveTextContent(/ month 180$/);
    await user.click(screen.getByRole('combobox', { name: 'Interval' }));
    await user.click(await screen.findByRole('option', { name: 'Day' }));
    await waitFor(() => expect(query()).toHaveTextContent('?interval=day&range=180d'));
  });

  it('applies custom dates, refusing a From after the To', async () => {
    const user = userEvent.setup();
    renderInTestApp(<Harness />, { route: '/x?range=30d' });
    await user.click(screen.getByRole('combobox', { name: 'Range' }));
    await user.click(await screen.findByRole('option', { name: 'Custom' }));
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-05-01' } });
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-04-01' } });
    expect(screen.getByText('From must be before To')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Apply' })).toBeDisabled();
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-06-30' } });
    await user.click(screen.getByRole('button', { name: 'Apply' }));
    await waitFor(() => expect(query()).toHaveTextContent('?range=custom&from=2026-05-01&to=2026-06-30'));
    // the To date is sent as a date, which the backend reads as including that day
    expect(screen.getByLabelText('Resolved period')).toHaveTextContent('2026-05-01..2026-06-30 week 61');
  });

  it('falls back to the default range for an unreadable custom range', () => {
    expect(periodOf('custom', 'yesterday', '2026-01-01', Date.parse('2026-10-05T12:00:30Z'))).toMatchObject({ range: '90d', to: '2026-10-05T12:00:00.000Z', from: '2026-07-07T12:00:00.000Z', days: 90 });
    expect(periodOf('7d', null, null, Date.parse('2026-10-05T12:00:00Z'))).toMatchObject({ range: '90d' });
  });
});
