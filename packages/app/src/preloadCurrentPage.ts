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
 *
 * Resolves when that code has arrived, or failed to (it never rejects): main.tsx renders the app once it has, so
 * the page renders at once instead of suspending on its code. A page that suspends shows its fallback, and React
 * holds the page's reveal until 300 ms after a fallback was shown (issue 19, item 10).
 */
export function preloadCurrentPage(
  plugins: ReadonlyArray<FrontendPlugin>,
  pathname: string,
  loadDefaultHome?: () => Promise<unknown>,
): Promise<void> {
  const extensions = plugins.flatMap(plugin => plugin.extensions);
  const pages = extensions.filter(ext => ext.kind === 'page').map(ext => ext.data as PageExtensionData);
  const matches = matchRoutes(pages.map(page => ({ path: routePattern(page.path), page })), pathname);
  const best = matches?.[0]?.route.page;
  const loads: Array<Promise<unknown>> = [];
  if (best) {
    loads.push(best.Component.preload());
  } else if (pathname === '/') {
    if (loadDefaultHome) loads.push(loadDefaultHome());
    for (const card of extensions.filter(ext => ext.kind === 'home-card' && !ext.disabledByDefault)) {
      loads.push((card.data as HomeCardExtensionData).Component.preload());
    }
  }
  return Promise.all(loads.map(load => load.catch(ignoreFailure))).then(() => undefined);
}
