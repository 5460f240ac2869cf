import { matchRoutes } from 'react-router';
import type { FrontendPlugin, PageExtensionData } from '@portico/frontend-plugin-api';
import { routePattern } from './components/routePattern';

/**
 * Starts fetching the code of the page the URL will show, while /app-config.json is still loading,
 * so the first visit does not wait for config, then the page chunk, one after the other.
 */
export function preloadCurrentPage(plugins: ReadonlyArray<FrontendPlugin>, pathname: string): void {
  const pages = plugins
    .flatMap(plugin => plugin.extensions)
    .filter(ext => ext.kind === 'page')
    .map(ext => ext.data as PageExtensionData);
  const matches = matchRoutes(pages.map(page => ({ path: routePattern(page.path), page })), pathname);
  const best = matches?.[0]?.route.page;
  void best?.Component.preload().catch(() => {
    // rendering the page will load it again and show the error there
  });
}
