#!/usr/bin/env node
// Frontend benchmark: the catalog page's initial JavaScript (per file, raw and gzip) and, with N
// entities in the catalog, how long headless chromium takes from navigation to the first rows and
// what long tasks happen while scrolling the table.
//   node bench/frontend/run.js [N=10000] [--seed 42] [--out bench/results/frontend.json]
//   node bench/frontend/run.js --pages [--runs 5] [--out bench/results/frontend-pages.json]
//     the portal as users run it (repo app-config, every default plugin, the example organisation): cold
//     navigation → content of home, catalog, an entity page and scorecards, wall and chromium CPU time per run.
// Env: PORTICO_BENCH_URL=http://host:port measures a portal you started (no build, no data load).
/* global window, document, requestAnimationFrame, getComputedStyle, PerformanceObserver, MutationObserver */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const { execFileSync } = require('child_process');
const { chromium } = require('playwright-core');
const { root } = require('../../scripts/workspaces');
const { buildIfNeeded, startPortal } = require('../../scripts/lib/portal');

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const N = Number(args.find(a => /^\d+$/.test(a)) ?? 10000);
const SEED = flag('--seed', '42');
const PAGES_MODE = args.includes('--pages');
const RUNS = Number(flag('--runs', '5'));
const OUT = path.resolve(root, flag('--out', PAGES_MODE ? 'bench/results/frontend-pages.json' : 'bench/results/frontend.json'));
const CHROMIUM = process.env.PORTICO_CHROMIUM ?? '/usr/bin/chromium';
const ROW = 'table[aria-label="Catalog"] tbody tr:has(td a)';
const log = msg => console.log(`[bench:frontend] ${msg}`);

function generator() {
  const candidates = [path.join(root, 'bench/catalog/gen-entities.js'), '/work/shared/bench/gen-entities.js'];
  const found = candidates.find(f => fs.existsSync(f));
  if (!found) throw new Error(`gen-entities.js not found in ${candidates.join(' or ')}`);
  return found;
}

async function waitForEntities(url, n, timeoutMs, headers = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = 0;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/api/catalog/entities/by-query?limit=1`, { headers });
      if (res.ok) {
        last = (await res.json()).totalItems ?? 0;
        if (last >= n) return last;
      }
    } catch {
      // the catalog is still starting
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(`only ${last} of ${n} entities visible after ${timeoutMs / 1000}s`);
}

function gzipSize(buf) {
  return zlib.gzipSync(buf, { level: 9 }).length;
}

/** Per script file the page loaded: raw and gzip bytes (gzip of the file's body, as a CDN would serve it). */
function breakdown(scripts) {
  const rows = scripts.map(s => ({ file: s.file, raw: s.body.length, gzip: gzipSize(s.body) }));
  rows.sort((a, b) => b.gzip - a.gzip);
  const total = rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip }), { raw: 0, gzip: 0 });
  return { files: rows, total };
}

/** This chromium's processes: those with the marker flag and all their descendants (zygote-forked renderers lack the flag). */
function browserPids(profileMarker) {
  const parents = new Map();
  const roots = [];
  for (const pid of fs.readdirSync('/proc').filter(d => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      parents.set(pid, stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(profileMarker)) roots.push(pid);
    } catch {
      // the process ended meanwhile
    }
  }
  const found = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (!found.has(pid) && found.has(ppid)) {
        found.add(pid);
        grew = true;
      }
    }
  }
  return [...found];
}

/**
 * PORTICO_BENCH_NICE=-10 raises the priority of the browser and the portal (root only), so that on a
 * shared machine the figures measure the page rather than the queue for a CPU.
 */
function renice(pids) {
  const nice = process.env.PORTICO_BENCH_NICE;
  if (!nice || pids.length === 0) return;
  try {
    execFileSync('renice', ['-n', nice, '-p', ...pids.map(String)], { stdio: 'ignore' });
  } catch {
    log(`could not renice to ${nice} (not root?)`);
  }
}

/** CPU time (ms) used so far by each process of this chromium, from /proc. */
function browserCpu(profileMarker) {
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  const byPid = new Map();
  for (const pid of browserPids(profileMarker)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byPid.set(pid, (Number(fields[11]) + Number(fields[12])) * tick); // utime + stime
    } catch {
      // the process ended meanwhile
    }
  }
  return byPid;
}

/** CPU used between two snapshots by the processes alive at the second (new ones count from zero). */
function cpuSince(before, profileMarker) {
  let total = 0;
  for (const [pid, ms] of browserCpu(profileMarker)) total += ms - (before.get(pid) ?? 0);
  return Math.round(total);
}

async function measure(url, portalPid) {
  if (portalPid) renice([portalPid]);
  // a unique flag in every chromium process's command line, to find them in /proc
  const marker = `--portico-bench-${process.pid}-${Date.now()}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', marker],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    await context.addInitScript({ content: contentProbeScript(PAGES.find(p => p.name === 'catalog').probe) });
    await context.addInitScript(() => {
      window.__longTasks = [];
      new PerformanceObserver(list => {
        for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    });
    const page = await context.newPage();
    renice(browserPids(marker));
    const scripts = [];
    page.on('response', async res => {
      if (res.request().resourceType() !== 'script') return;
      try {
        scripts.push({ file: new URL(res.url()).pathname, body: await res.body() });
      } catch {
        // a redirected or aborted response has no body
      }
    });

    // 0. the shell alone, for comparison: a cold load of the home page in a fresh context (own cache)
    const homeContext = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    await homeContext.addInitScript({ content: contentProbeScript(doc => doc.querySelector('h1')) });
    const homePage = await homeContext.newPage();
    const homeCpuBefore = browserCpu(marker);
    await homePage.goto(`${url}/`, { waitUntil: 'commit' });
    const home = { ms: Math.round(await contentShownAt(homePage, 'h1')), browserCpuMs: cpuSince(homeCpuBefore, marker) };
    await homeContext.close();

    // 1. a cold load of /catalog: navigation start → first rows in the table
    const cpuBefore = browserCpu(marker);
    await page.goto(`${url}/catalog`, { waitUntil: 'commit' });
    const cold = await contentShownAt(page, ROW);
    const coldCpu = cpuSince(cpuBefore, marker);
    await page.waitForLoadState('networkidle');
    const initial = breakdown(scripts);
    const rowsShown = await page.locator(ROW).count();
    const coldLongTasks = await page.evaluate(() => window.__longTasks.slice());

    // 2. scrolling the table: long tasks and frames while the virtualised rows scroll
    const scrollCpuBefore = browserCpu(marker);
    const scroll = await page.evaluate(async () => {
      const table = document.querySelector('table[aria-label="Catalog"]');
      let el = table;
      while (el && !(el.scrollHeight > el.clientHeight + 10 && /(auto|scroll)/.test(getComputedStyle(el).overflowY))) {
        el = el.parentElement;
      }
      const scroller = el ?? document.scrollingElement;
      window.__longTasks.length = 0;
      const frames = [];
      const start = performance.now();
      await new Promise(resolve => {
        const step = now => {
          frames.push(now);
          scroller.scrollTop += 120; // about a wheel notch per frame: a fast, steady scroll
          if (now - start < 4000 && scroller.scrollTop + scroller.clientHeight < scroller.scrollHeight) {
            requestAnimationFrame(step);
          } else resolve();
        };
        requestAnimationFrame(step);
      });
      await new Promise(r => setTimeout(r, 300));
      const gaps = frames.slice(1).map((t, i) => t - frames[i]);
      const sorted = [...gaps].sort((a, b) => a - b);
      return {
        durationMs: Math.round(frames[frames.length - 1] - frames[0]),
        scrolledPx: Math.round(scroller.scrollTop),
        frames: frames.length,
        fps: Math.round((1000 * (frames.length - 1)) / (frames[frames.length - 1] - frames[0])),
        p95FrameMs: Math.round(sorted[Math.floor(sorted.length * 0.95)] ?? 0),
        maxFrameMs: Math.round(sorted[sorted.length - 1] ?? 0),
        renderedRows: document.querySelectorAll('table[aria-label="Catalog"] tbody tr').length,
        longTasks: window.__longTasks.slice(),
      };
    });

    const scrollCpu = cpuSince(scrollCpuBefore, marker);

    // 3. client-side navigation: home → Catalog nav link → first rows
    await page.goto(`${url}/`, { waitUntil: 'networkidle' });
    const warmStart = Date.now();
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Catalog' }).click();
    await page.locator(ROW).first().waitFor({ timeout: 30_000 });
    const warm = Date.now() - warmStart;

    const summarize = tasks => ({
      count: tasks.length,
      totalMs: Math.round(tasks.reduce((t, x) => t + x.duration, 0)),
      maxMs: Math.round(tasks.reduce((m, x) => Math.max(m, x.duration), 0)),
    });
    return {
      initialJs: initial,
      homeColdLoadToHeading: home,
      coldNavigationToFirstRowsMs: Math.round(cold),
      // CPU the browser spent meanwhile (all its processes): what the load would take with a free CPU
      coldNavigationBrowserCpuMs: coldCpu,
      clientNavigationToFirstRowsMs: warm,
      rowsShownAtFirstPaint: rowsShown,
      longTasksDuringLoad: summarize(coldLongTasks),
      scroll: { ...scroll, browserCpuMs: scrollCpu, longTasks: summarize(scroll.longTasks) },
    };
  } finally {
    await browser.close();
  }
}

/**
 * The pages the pages mode measures: what "content" means on each is an element that shows data the page asked
 * the backend for (never a spinner). The entity is a component of the example organisation.
 */
const PAGES = [
  {
    name: 'home',
    path: '/',
    // the "My components" card answered: its list, or its empty state (the guest owns nothing)
    content: 'section:has(h2:text-is("My components")) :is(ul[aria-label="My components"], :text("You own no components yet"))',
    probe: doc => {
      const card = [...doc.querySelectorAll('section')].find(s => s.querySelector('h2')?.textContent.trim() === 'My components');
      if (!card) return null;
      return card.querySelector('ul[aria-label="My components"]') ?? (card.textContent.includes('You own no components yet') ? card : null);
    },
  },
  { name: 'catalog', path: '/catalog', content: ROW, probe: doc => doc.querySelector('table[aria-label="Catalog"] tbody tr:has(td a)') },
  {
    name: 'entity',
    path: '/catalog/default/component/web-shop',
    // the About card's owner link, from the entity the page fetched
    content: 'section:has(h2:text-is("About")) dl a',
    probe: doc => [...doc.querySelectorAll('section')].find(s => s.querySelector('h2')?.textContent.trim() === 'About')?.querySelector('dl a') ?? null,
  },
  {
    name: 'scorecards',
    path: '/scorecards',
    // a scorecard's level distribution: the chart and its caption with the counts
    content: 'section[aria-label] figure:has(svg) figcaption',
    probe: doc => doc.querySelector('section[aria-label] figure:has(svg) figcaption'),
  },
];

/**
 * When the content first showed, as the page itself saw it. Playwright's `waitFor` polls the page at 0, 20, 50, 100
 * and 100 ms and every 500 ms after that (`retryWithProgressAndBackoff`), so the moment it returns was up to half a
 * second after the content appeared: the figures of December 2026 before session 8 are that much late, in steps.
 * This init script checks `probe(document)` (a plain DOM function: an element or null) in the animation frame after
 * each DOM change, and records `performance.now()` of the first frame in which the element is there and has a box.
 */
function contentProbeScript(probe) {
  const install = isContent => {
    let scheduled = false;
    const check = () => {
      scheduled = false;
      if (window.__porticoContentAt !== undefined) return;
      let element = null;
      try {
        element = isContent(document);
      } catch {
        // the page is half-built: checked again after the next change
      }
      if (element && element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden') {
        window.__porticoContentAt = performance.now();
        observer.disconnect();
      }
    };
    const observer = new MutationObserver(() => {
      if (!scheduled) {
        scheduled = true;
        requestAnimationFrame(check);
      }
    });
    observer.observe(document, { childList: true, subtree: true, characterData: true, attributes: true });
  };
  return `(${install})(${probe});`;
}

/** Waits until `probe` found the content (Playwright's selector must find it too) and returns when it first showed. */
async function contentShownAt(tab, selector) {
  await tab.locator(selector).first().waitFor({ timeout: 60_000 });
  await tab.waitForFunction(() => window.__porticoContentAt !== undefined, null, { timeout: 10_000 });
  return tab.evaluate(() => window.__porticoContentAt);
}

const median = xs => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) / 2] : Math.round((s[s.length / 2 - 1] + s[s.length / 2]) / 2);
};

/** One cold load (a fresh context: empty HTTP cache; `storageState` carries the session cookie or not). */
async function coldLoad(browser, marker, url, page, storageState) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, storageState });
  try {
    await context.addInitScript({ content: contentProbeScript(page.probe) });
    const tab = await context.newPage();
    const cpuBefore = browserCpu(marker);
    const started = Date.now();
    await tab.goto(`${url}${page.path}`, { waitUntil: 'commit' });
    const ms = Math.round(await contentShownAt(tab, page.content));
    const browserCpuMs = cpuSince(cpuBefore, marker);
    const wallMs = Date.now() - started;
    // where the time went: the API calls (start → end, from navigation start) and the scripts
    const timeline = await tab.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const resources = performance.getEntriesByType('resource');
      const api = resources
        .filter(r => /\/api\/|app-config\.json/.test(r.name))
        .map(r => ({ url: new URL(r.name).pathname + new URL(r.name).search, start: Math.round(r.startTime), end: Math.round(r.responseEnd) }));
      const scripts = resources.filter(r => r.initiatorType === 'script' || /\.js$/.test(new URL(r.name).pathname));
      return {
        responseEnd: Math.round(nav?.responseEnd ?? 0),
        domContentLoaded: Math.round(nav?.domContentLoadedEventEnd ?? 0),
        scripts: scripts.length,
        scriptsEnd: Math.round(scripts.reduce((m, r) => Math.max(m, r.responseEnd), 0)),
        scriptBytes: scripts.reduce((t, r) => t + (r.encodedBodySize || 0), 0),
        api,
      };
    });
    return { ms, wallMs, browserCpuMs, ...timeline };
  } finally {
    await context.close();
  }
}

async function measurePages(url, portalPid) {
  if (portalPid) renice([portalPid]);
  const marker = `--portico-bench-${process.pid}-${Date.now()}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', marker],
  });
  try {
    renice(browserPids(marker));
    // a returning user: sign in once (guest), then every run starts from that cookie with an empty cache
    const signIn = await browser.newContext();
    const first = await signIn.newPage();
    await first.goto(`${url}/`);
    await first.locator(PAGES[0].content).first().waitFor({ timeout: 60_000 });
    const session = await signIn.storageState();
    await signIn.close();

    const pages = Object.fromEntries(PAGES.map(p => [p.name, { path: p.path, content: p.content, runs: [] }]));
    const firstVisit = { path: '/', note: 'no session cookie yet: includes signing in as guest', runs: [] };
    for (let run = 0; run < RUNS; run++) {
      for (const page of [...PAGES, { ...PAGES[0], name: 'home, first visit', firstVisit: true }]) {
        const loadBefore = os.loadavg()[0];
        const entry = page.firstVisit ? firstVisit : pages[page.name];
        try {
          const result = await coldLoad(browser, marker, url, page, page.firstVisit ? undefined : session);
          entry.runs.push({ ...result, loadAverage1m: loadBefore });
          log(`run ${run + 1}/${RUNS} ${page.name}: ${result.ms} ms to content, browser CPU ${result.browserCpuMs} ms (load ${loadBefore.toFixed(1)})`);
        } catch (error) {
          // one failed load (e.g. the app rebuilt meanwhile) is reported, not the end of the benchmark
          (entry.failures ??= []).push(String(error.message).split('\n')[0]);
          log(`run ${run + 1}/${RUNS} ${page.name} failed: ${String(error.message).split('\n')[0]}`);
        }
      }
    }
    for (const entry of [...Object.values(pages), firstVisit]) {
      entry.medianMs = median(entry.runs.map(r => r.ms));
      entry.medianBrowserCpuMs = median(entry.runs.map(r => r.browserCpuMs));
    }
    return { pages, firstVisit };
  } finally {
    await browser.close();
  }
}

function reportPages(result) {
  console.log(`\nCold navigation → content, ${RUNS} runs per page (${result.cpus} CPUs, 1-min load ${result.loadAverage1m.before.toFixed(1)} → ${result.loadAverage1m.after.toFixed(1)}):`);
  const rows = [...Object.entries(result.pages), ['home, first visit', result.firstVisit]];
  for (const [name, entry] of rows) {
    console.log(
      `  ${name.padEnd(18)} median ${String(entry.medianMs).padStart(5)} ms, browser CPU ${String(entry.medianBrowserCpuMs).padStart(5)} ms` +
        `   runs: ${entry.runs.map(r => `${r.ms}/${r.browserCpuMs}`).join(' ')} (wall/CPU ms)` +
        (entry.failures ? `, ${entry.failures.length} failed` : ''),
    );
  }
  const last = Object.entries(result.pages).map(([name, entry]) => [name, entry.runs[entry.runs.length - 1]]);
  console.log('\nThe last run of each page: API calls (start → end ms from navigation start), scripts');
  for (const [name, run] of last) {
    if (!run) continue;
    console.log(`  ${name}: ${run.scripts} scripts (${(run.scriptBytes / 1024).toFixed(0)} KB over the wire) done at ${run.scriptsEnd} ms, content at ${run.ms} ms`);
    for (const call of run.api) console.log(`    ${String(call.start).padStart(5)} → ${String(call.end).padStart(5)}  ${call.url.slice(0, 120)}`);
  }
}

async function waitForExampleOrganisation(url, headers) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      const entity = await fetch(`${url}/api/catalog/entities/by-name/component/default/web-shop`, { headers });
      const scorecards = await fetch(`${url}/api/scorecards/scorecards`, { headers });
      const items = scorecards.ok ? (await scorecards.json()).items : [];
      // evaluated: the scorecards have a distribution of entities
      if (entity.ok && items.length > 0 && items.every(s => Object.values(s.distribution ?? {}).some(n => n > 0))) return items.length;
    } catch {
      // still starting
    }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error('the example organisation and its scorecards were not ready within 120 s');
}

async function mainPages() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`chromium is missing at ${CHROMIUM}`);
  let portal;
  if (process.env.PORTICO_BENCH_URL) {
    portal = { url: process.env.PORTICO_BENCH_URL, authorization: process.env.PORTICO_TOKEN ? `Bearer ${process.env.PORTICO_TOKEN}` : undefined, stop: async () => {} };
  } else {
    buildIfNeeded();
    // as users run it: the repo's app-config (every default plugin, the example organisation)
    portal = await startPortal({ logDir: 'artifacts/bench' });
  }
  try {
    const scorecards = await waitForExampleOrganisation(portal.url, portal.authorization ? { authorization: portal.authorization } : {});
    log(`the example organisation is loaded, ${scorecards} scorecards evaluated`);
    const loadBefore = os.loadavg()[0];
    const measured = await measurePages(portal.url, portal.pid);
    const result = {
      date: new Date().toISOString(),
      mode: 'pages',
      runs: RUNS,
      cpus: os.cpus().length,
      loadAverage1m: { before: loadBefore, after: os.loadavg()[0] },
      nice: process.env.PORTICO_BENCH_NICE ?? null,
      ...measured,
    };
    reportPages(result);
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
    log(`wrote ${path.relative(root, OUT)}`);
  } finally {
    await portal.stop();
  }
}

function report(result) {
  const kb = b => `${(b / 1024).toFixed(1)} KB`;
  console.log(`\nInitial JavaScript of /catalog (${result.initialJs.files.length} files):`);
  for (const f of result.initialJs.files) console.log(`  ${kb(f.gzip).padStart(10)} gzip  ${kb(f.raw).padStart(10)} raw  ${f.file}`);
  console.log(`  ${kb(result.initialJs.total.gzip).padStart(10)} gzip  ${kb(result.initialJs.total.raw).padStart(10)} raw  TOTAL (target < 300 KB gzip)`);
  console.log(`\nWith ${result.entities} entities (${result.cpus} CPUs, 1-min load ${result.loadAverage1m.before.toFixed(1)}):`);
  console.log(
    `  cold load, navigation start → first rows: ${result.coldNavigationToFirstRowsMs} ms (target < 1000 ms); ` +
      `browser CPU meanwhile: ${result.coldNavigationBrowserCpuMs} ms`,
  );
  console.log(`  the shell alone, cold load of / → heading: ${result.homeColdLoadToHeading.ms} ms, browser CPU ${result.homeColdLoadToHeading.browserCpuMs} ms`);
  console.log(`  client-side navigation from home → first rows: ${result.clientNavigationToFirstRowsMs} ms`);
  console.log(`  long tasks during the cold load: ${JSON.stringify(result.longTasksDuringLoad)}`);
  const s = result.scroll;
  console.log(
    `  scrolling ${s.scrolledPx}px in ${s.durationMs} ms: ${s.fps} fps, p95 frame ${s.p95FrameMs} ms, max frame ${s.maxFrameMs} ms, ` +
      `${s.renderedRows} rows in the DOM, browser CPU ${s.browserCpuMs} ms, long tasks ${JSON.stringify(s.longTasks)}`,
  );
}

async function main() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`chromium is missing at ${CHROMIUM}`);
  let portal;
  if (process.env.PORTICO_BENCH_URL) {
    portal = { url: process.env.PORTICO_BENCH_URL, authorization: process.env.PORTICO_TOKEN ? `Bearer ${process.env.PORTICO_TOKEN}` : undefined, stop: async () => {} };
  } else {
    buildIfNeeded();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-bench-frontend-'));
    const org = path.join(work, 'org.yaml');
    fs.writeFileSync(org, execFileSync(process.execPath, [generator(), String(N), SEED], { maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] }));
    log(`generated ${N} entities in ${org}`);
    portal = await startPortal({
      logDir: 'artifacts/bench',
      // the portal as shipped (every default plugin: the app needs the session check), with the generated
      // organisation as its only location (production config refuses keys of plugins left out)
      config: {
        catalog: { processingInterval: 'PT24H', locations: [{ type: 'file', target: org }] },
        integrations: { file: { roots: [work] } },
      },
    });
    portal.cleanup = () => fs.rmSync(work, { recursive: true, force: true });
  }
  try {
    const t0 = Date.now();
    const visible = await waitForEntities(portal.url, process.env.PORTICO_BENCH_URL ? 1 : N, 600_000, portal.authorization ? { authorization: portal.authorization } : {});
    log(`${visible} entities visible after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    // the machine's load skews every timing: record it next to them
    const loadBefore = os.loadavg()[0];
    const measured = await measure(portal.url, portal.pid);
    const result = {
      date: new Date().toISOString(),
      entities: visible,
      cpus: os.cpus().length,
      loadAverage1m: { before: loadBefore, after: os.loadavg()[0] },
      nice: process.env.PORTICO_BENCH_NICE ?? null,
      ...measured,
    };
    report(result);
    fs.mkdirSync(path.dirname(OUT), { recursive: true });
    fs.writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
    log(`wrote ${path.relative(root, OUT)}`);
  } finally {
    await portal.stop();
    portal.cleanup?.();
  }
}

(PAGES_MODE ? mainPages : main)().catch(error => {
  console.error(`[bench:frontend] ${error.stack ?? error.message}`);
  process.exit(1);
});
