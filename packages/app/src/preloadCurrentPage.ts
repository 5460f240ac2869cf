import { matchRoutes } from 'react-router';
import type { FrontendPlugin, HomeCardExtensionData, PageExtensionData } from '@portico/frontend-plugin-api';
import { routePattern } from './components/routePattern';

const ignoreFailure = () => {
  // rendering the page will load it again and show the error there
};

/**
 * Starts fetching the code of the page the URL will show, while /app-config.json is still loading,
 * so the first visit does not wait for config, then the page chunk, one after the other. On `/` without a
 * plugin's home page, that is the default home page and the code of every home card it shows.
 * `loadDefaultHome` is the default home page's import (the app passes it; tests a spy).
 */
export function preloadCurrentPage(
  plugins: ReadonlyArray<FrontendPlugin>,
  pathname: string,
  loadDefaultHome?: () => Promise<unknown>,
): void {
  const extensions = plugins.flatMap(plugin => plugin.extensions);
  const pages = extensions.filter(ext => ext.kind === 'page').map(ext => ext.data as PageExtensionData);
  const matches = matchRoutes(pages.map(page => ({ path: routePattern(page.path), page })), pathname);
  const best = matches?.[0]?.route.page;
  if (best) {
    void best.Component.preload().catch(ignoreFailure);
    return;
  }
  if (pathname !== '/') return;
  void loadDefaultHome?.().catch(ignoreFailure);
  for (const card of extensions.filter(ext => ext.kind === 'home-card' && !ext.disabledByDefault)) {
    void (card.data as HomeCardExtensionData).Component.preload().catch(ignoreFailure);
  }
}
