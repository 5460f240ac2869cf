import { Box, Card, CardActionArea, CardContent, Grid, Typography } from '@mui/material';
import { configApiRef, useApi, useExtensions } from '@portico/frontend-plugin-api';
import { Link as RouterLink } from 'react-router';

/** The default home page (a plugin page at `/` replaces it): a welcome and a card per nav item. */
export function HomePage() {
  const title = useApi(configApiRef).getOptionalString('app.title') ?? 'Portico';
  const navItems = useExtensions('nav-item');
  return (
    <Box sx={{ p: 3 }}>
      <Typography variant="h4" component="h1" gutterBottom>
        Welcome to {title}
      </Typography>
      <Typography color="text.secondary" sx={{ mb: 3 }}>
        Find the services, APIs, resources and teams of your organisation, and who owns them.
      </Typography>
      <Grid container spacing={2} component="ul" sx={{ listStyle: 'none', p: 0, m: 0 }} aria-label="Sections">
        {navItems.map(item => (
          <Grid key={item.id} size={{ xs: 12, sm: 6, md: 4 }} component="li">
            <Card variant="outlined">
              <CardActionArea component={RouterLink} to={item.data.path}>
                <CardContent>
                  <Typography variant="h6" component="h2">
                    {item.data.title}
                  </Typography>
                  <Typography variant="body2" color="text.secondary">
                    {item.data.path}
                  </Typography>
                </CardContent>
              </CardActionArea>
            </Card>
          </Grid>
        ))}
      </Grid>
    </Box>
  );
}

export default HomePage;
