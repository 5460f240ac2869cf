import { useEffect, useState } from 'react';
import { Alert, Snackbar } from '@mui/material';
import { alertApiRef, errorApiRef, useApi, type AlertMessage } from '@portico/frontend-plugin-api';

/** Shows posted alerts and errors one at a time in a snackbar. */
export function AlertDisplay() {
  const alertApi = useApi(alertApiRef);
  const errorApi = useApi(errorApiRef);
  const [queue, setQueue] = useState<AlertMessage[]>([]);

  useEffect(() => {
    const push = (alert: AlertMessage) => setQueue(q => [...q, alert]);
    const offAlerts = alertApi.subscribe(push);
    const offErrors = errorApi.subscribe(({ error, context }) => {
      if (!context?.hidden) push({ message: error.message, severity: 'error' });
    });
    return () => {
      offAlerts();
      offErrors();
    };
  }, [alertApi, errorApi]);

  const current = queue[0];
  const close = () => setQueue(q => q.slice(1));
  return (
    <Snackbar
      open={Boolean(current)}
      onClose={(_, reason) => reason !== 'clickaway' && close()}
      autoHideDuration={current?.display === 'transient' ? 5000 : null}
      anchorOrigin={{ vertical: 'top', horizontal: 'center' }}
    >
      {current ? (
        <Alert severity={current.severity ?? 'info'} onClose={close} variant="filled" role="alert">
          {current.message}
          {queue.length > 1 ? ` (+${queue.length - 1} more)` : ''}
        </Alert>
      ) : undefined}
    </Snackbar>
  );
}
