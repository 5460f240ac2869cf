/** Page path → route pattern: sub-paths go to the page (it may have its own <Routes>). */
export function routePattern(path: string): string {
  if (path === '/' || path.endsWith('*')) return path;
  return `${path.replace(/\/+$/, '')}/*`;
}
