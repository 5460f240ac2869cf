import { Box, Button, Typography } from '@mui/material';
import { Link as RouterLink, useLocation } from 'react-router';

/** The shell's 404: no page extension matches the URL. */
export function NotFoundPage() {
  const { pathname } = useLocation();
  return (
    <Box sx={{ p: 3 }}>
      <Typography variant="h4" component="h1" gutterBottom>
        Page not found
      </Typography>
      <Typography sx={{ mb: 2 }}>
        Nothing lives at <code>{pathname}</code>.
      </Typography>
      <Button variant="contained" component={RouterLink} to="/">
        Go home
      </Button>
    </Box>
  );
}

export default NotFoundPage;
