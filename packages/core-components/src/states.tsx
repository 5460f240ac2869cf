import { Alert, AlertTitle, Box, Button, CircularProgress, Typography } from '@mui/material';
import type { ReactNode } from 'react';

/** A spinner that screen readers announce. */
export function Progress({ label = 'Loading' }: { label?: string }) {
  return (
    <Box sx={{ display: 'flex', justifyContent: 'center', p: 3 }}>
      <CircularProgress aria-label={label} />
    </Box>
  );
}

/** An error with its message and, when given, a way to try again (`severity: 'warning'` for what is merely missing). */
export function ErrorPanel({ title, error, onRetry, severity = 'error' }: { title: string; error: Error; onRetry?: () => void; severity?: 'error' | 'warning' }) {
  return (
    <Alert
      severity={severity}
      action={
        onRetry ? (
          <Button color="inherit" size="small" onClick={onRetry}>
            Retry
          </Button>
        ) : undefined
      }
    >
      <AlertTitle>{title}</AlertTitle>
      {error.message}
    </Alert>
  );
}

/** What a view shows when there is nothing to show. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Box sx={{ p: 3, textAlign: 'center' }}>
      <Typography variant="h6" component="p">
        {title}
      </Typography>
      {children ? <Typography color="text.secondary">{children}</Typography> : null}
    </Box>
  );
}
