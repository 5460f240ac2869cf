import type { ReactNode } from 'react';
import { Box, Tab, Tabs, Typography } from '@mui/material';
import { usePermission } from '@portico/frontend-plugin-api';
import { Link as RouterLink } from 'react-router';
import { PageProgress } from '../components/PageProgress';
import { useAllowedAdminPages, type AdminPageInfo } from './adminPages';
import { NotAllowedPage } from './NotAllowedPage';

/** Tabs between the Administration pages the user may open. */
function AdminTabs(props: { current: AdminPageInfo }) {
  const { pages } = useAllowedAdminPages();
  if (pages.length < 2) return null;
  return (
    <Tabs value={props.current.path} aria-label="Administration pages" sx={{ mb: 2 }}>
      {pages.map(page => (
        <Tab key={page.path} value={page.path} label={page.title} component={RouterLink} to={page.path} />
      ))}
    </Tabs>
  );
}

/**
 * The frame of an Administration page: renders `children` only for whoever has the page's permission, and a
 * "you may not" page for everyone else (the backend refuses them anyway; this says so instead of failing).
 */
export function AdminLayout(props: { page: AdminPageInfo; description: ReactNode; children: ReactNode }) {
  const { loading, allowed, reason } = usePermission({ permission: props.page.permission });
  if (loading) return <PageProgress label="Checking your permissions" />;
  if (!allowed) return <NotAllowedPage title={props.page.title} permissions={[props.page.permission]} reason={reason} />;
  return (
    <Box sx={{ p: 3 }}>
      <Typography variant="overline" component="p" color="text.secondary">
        Administration
      </Typography>
      <Typography variant="h4" component="h1" gutterBottom>
        {props.page.title}
      </Typography>
      <AdminTabs current={props.page} />
      <Typography color="text.secondary" sx={{ mb: 3, maxWidth: 960 }}>
        {props.description}
      </Typography>
      {props.children}
    </Box>
  );
}
