import { Suspense, useEffect, useMemo, useState } from 'react';
import { Box, Card, CardActionArea, CardContent, CardHeader, Grid, Typography } from '@mui/material';
import {
  configApiRef,
  identityApiRef,
  useApi,
  useExtensions,
  type ExtensionOfKind,
  type HomeCardSize,
} from '@portico/frontend-plugin-api';
import { Link as RouterLink } from 'react-router';
import { ErrorBoundary } from './ErrorBoundary';

const WIDTH: Record<HomeCardSize, { xs: number; md: number; lg: number }> = {
  small: { xs: 12, md: 6, lg: 4 },
  medium: { xs: 12, md: 6, lg: 6 },
  large: { xs: 12, md: 12, lg: 12 },
};

/** The name to greet: the catalog profile's display name, else the user entity's name. */
function useDisplayName(): string | undefined {
  const identityApi = useApi(identityApiRef);
  const [name, setName] = useState<string>();
  useEffect(() => {
    let live = true;
    Promise.all([identityApi.getProfileInfo(), identityApi.getIdentity()])
      .then(([profile, identity]) => live && setName(profile.displayName ?? identity.userEntityRef.replace(/^.*[:/]/, '')))
      // without a profile the page greets by the app's title
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [identityApi]);
  return name;
}

function HomeCard({ card }: { card: ExtensionOfKind<'home-card'> }) {
  const { title, Component } = card.data;
  const headingId = `home-card-${card.id.replace(/[^a-z0-9-]/gi, '-')}`;
  return (
    <Card variant="outlined" component="section" aria-labelledby={headingId} sx={{ height: '100%' }}>
      <CardHeader title={title} slotProps={{ title: { component: 'h2', variant: 'h6', id: headingId } }} />
      <CardContent sx={{ pt: 0 }}>
        <ErrorBoundary name={title}>
          <Suspense fallback={<div role="progressbar" aria-label={`Loading ${title}`} />}>
            <Component />
          </Suspense>
        </ErrorBoundary>
      </CardContent>
    </Card>
  );
}

/**
 * The personal home page (a plugin page at `/` replaces it): a welcome by name, the home cards that plugins
 * contribute (each isolated, so one failing card leaves the others), and a link per nav item.
 */
export function HomePage() {
  const title = useApi(configApiRef).getOptionalString('app.title') ?? 'Portico';
  const displayName = useDisplayName();
  const navItems = useExtensions('nav-item');
  const homeCards = useExtensions('home-card');
  // a stable sort: equal orders keep the app's extension order
  const cards = useMemo(() => [...homeCards].sort((a, b) => a.data.order - b.data.order), [homeCards]);
  return (
    <Box sx={{ p: 3 }}>
      <Typography variant="h4" component="h1" gutterBottom>
        {displayName ? `Welcome, ${displayName}` : `Welcome to ${title}`}
      </Typography>
      <Typography color="text.secondary" sx={{ mb: 3 }}>
        What in {title} concerns you: your components, your team's work, and what waits for you.
      </Typography>
      {cards.length > 0 && (
        <Grid container spacing={2} sx={{ mb: 4 }}>
          {cards.map(card => (
            <Grid key={card.id} size={WIDTH[card.data.size]}>
              <HomeCard card={card} />
            </Grid>
          ))}
        </Grid>
      )}
      <Typography variant="h5" component="h2" gutterBottom>
        Sections
      </Typography>
      <Grid container spacing={2} component="ul" sx={{ listStyle: 'none', p: 0, m: 0 }} aria-label="Sections">
        {navItems.map(item => (
          <Grid key={item.id} size={{ xs: 12, sm: 6, md: 4 }} component="li">
            <Card variant="outlined">
              <CardActionArea component={RouterLink} to={item.data.path}>
                <CardContent>
                  <Typography variant="h6" component="h3">
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
