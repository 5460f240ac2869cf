import { Button, Stack, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { Link as RouterLink } from 'react-router';

/** The heading of every scaffolder page, with links between the gallery, run history and the inbox. */
export function ScaffolderHeader({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children?: ReactNode }) {
  return (
    <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ mb: 3, justifyContent: 'space-between', alignItems: { sm: 'center' } }}>
      <div>
        <Typography variant="h4" component="h1">
          {title}
        </Typography>
        {subtitle ? <Typography color="text.secondary">{subtitle}</Typography> : null}
      </div>
      <Stack direction="row" spacing={1} component="nav" aria-label="Scaffolder">
        {children}
        <Button component={RouterLink} to="/create">
          Templates
        </Button>
        <Button component={RouterLink} to="/create/tasks">
          Run history
        </Button>
        <Button component={RouterLink} to="/create/inbox">
          Inbox
        </Button>
      </Stack>
    </Stack>
  );
}
