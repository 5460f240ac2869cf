import { Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { lazyComponent, useExtensions } from '@portico/frontend-plugin-api';
import { ErrorBoundary } from './ErrorBoundary';
import { PageProgress } from './PageProgress';
import { routePattern } from './routePattern';

// lazyComponent rather than React.lazy: a page whose code was preloaded (main.tsx) renders without a fallback
/** The default home page (main.tsx preloads it on `/`). */
export const HomePage = lazyComponent(() => import('./HomePage'));
const NotFoundPage = lazyComponent(() => import('./NotFoundPage'));
const PersonalTokensPage = lazyComponent(() => import('../auth/PersonalTokensPage'));
const DevicePage = lazyComponent(() => import('../auth/DevicePage'));
const AdminIndexPage = lazyComponent(() => import('../admin/AdminIndexPage'));
const RolesPage = lazyComponent(() => import('../admin/RolesPage'));
const AuditLogPage = lazyComponent(() => import('../admin/AuditLogPage'));

/**
 * One route per enabled page extension (code-split), the default home, the personal tokens page, the
 * Administration pages of the host's built-ins (roles, audit log), and a 404.
 */
export function AppRoutes() {
  const pages = useExtensions('page');
  const hasHome = pages.some(page => page.data.path === '/');
  return (
    <Suspense fallback={<PageProgress />}>
      <Routes>
        {pages.map(page => (
          <Route
            key={page.id}
            path={routePattern(page.data.path)}
            element={
              <ErrorBoundary name={page.data.title ?? page.id}>
                <page.data.Component />
              </ErrorBoundary>
            }
          />
        ))}
        {!hasHome && <Route path="/" element={<HomePage />} />}
        <Route path="/settings/tokens" element={<PersonalTokensPage />} />
        <Route path="/device" element={<DevicePage />} />
        <Route path="/admin" element={<AdminIndexPage />} />
        <Route path="/admin/roles" element={<RolesPage />} />
        <Route path="/admin/audit" element={<AuditLogPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </Suspense>
  );
}
