import { Box, Button, Typography } from '@mui/material';
import { Link as RouterLink } from 'react-router';
import type { Permission } from '@portico/permission-common';

/** What someone without the permission sees at an Administration URL: what it needs and why not, no crash. */
export function NotAllowedPage(props: { title: string; permissions: readonly Permission[]; reason?: string }) {
  const names = props.permissions.map(p => p.name);
  return (
    <Box sx={{ p: 3, maxWidth: 720 }}>
      <Typography variant="h4" component="h1" gutterBottom>
        You may not open {props.title}
      </Typography>
      <Typography sx={{ mb: 1 }}>
        This page needs the permission{' '}
        {names.map((name, i) => (
          <span key={name}>
            {i > 0 && ' or '}
            <code>{name}</code>
          </span>
        ))}
        , which you do not have.
      </Typography>
      {props.reason && (
        <Typography color="text.secondary" sx={{ mb: 1 }}>
          {props.reason}
        </Typography>
      )}
      <Typography color="text.secondary" sx={{ mb: 2 }}>
        Ask an administrator of the portal to grant it to you through a role.
      </Typography>
      <Button variant="contained" component={RouterLink} to="/">
        Go home
      </Button>
    </Box>
  );
}
