import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import plugins from 'virtual:portico-plugins';
import { App } from './App';
import { HomePage } from './components/AppRoutes';
import { loadFrontendConfig } from './loadFrontendConfig';
import { preloadCurrentPage } from './preloadCurrentPage';

/** How long the first render waits for the code of the page the URL shows (it usually takes a tenth of that). */
const PAGE_CODE_WAIT_MS = 1500;

async function start() {
  const pageCode = preloadCurrentPage(plugins, window.location.pathname, HomePage.preload);
  // The first render waits for the page's code as well as for the config: a page rendered before its code arrived
  // suspends, and React reveals it up to 300 ms after its fallback showed. A slow network still gets the app's
  // frame (and the page's progress bar) after PAGE_CODE_WAIT_MS.
  const [config] = await Promise.all([
    loadFrontendConfig(),
    Promise.race([pageCode, new Promise<void>(resolve => setTimeout(resolve, PAGE_CODE_WAIT_MS))]),
  ]);
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <BrowserRouter>
        <App plugins={plugins} config={config} />
      </BrowserRouter>
    </StrictMode>,
  );
}

void start();
