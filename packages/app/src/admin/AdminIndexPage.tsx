import { Navigate } from 'react-router';
import { PageProgress } from '../components/PageProgress';
import { ADMIN_PAGES, useAllowedAdminPages } from './adminPages';
import { NotAllowedPage } from './NotAllowedPage';

/** `/admin`: the first Administration page the user may open, or why there is none. */
export function AdminIndexPage() {
  const { loading, pages } = useAllowedAdminPages();
  if (loading) return <PageProgress label="Checking your permissions" />;
  if (!pages.length) return <NotAllowedPage title="Administration" permissions={ADMIN_PAGES.map(p => p.permission)} />;
  return <Navigate to={pages[0].path} replace />;
}

export default AdminIndexPage;
