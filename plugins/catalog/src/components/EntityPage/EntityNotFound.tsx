import { Box, Button, Typography } from '@mui/material';
import { Link as RouterLink } from 'react-router';

/** The 404 of the entity page: says which entity is missing and where to go instead. */
export function EntityNotFound({ entityRef }: { entityRef: string }) {
  return (
    <Box sx={{ p: 6, textAlign: 'center' }} role="alert" aria-live="polite">
      <Typography variant="h2" component="p" color="text.secondary">
        404
      </Typography>
      <Typography variant="h4" component="h1" gutterBottom>
        Entity not found
      </Typography>
      <Typography sx={{ mb: 3 }}>
        There is no entity <code>{entityRef}</code> in the catalog. It may have been removed or renamed.
      </Typography>
      <Button variant="contained" component={RouterLink} to="/catalog">
        Back to the catalog
      </Button>
    </Box>
  );
}
