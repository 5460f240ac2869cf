import { lazyComponent } from '@portico/frontend-plugin-api';

/**
 * The charts drawn with recharts (about 400 KB of code), loaded when a view shows one: a view starts loading the
 * chart's code with the chart's data (`preload`), so the chart renders once both are there. The scorecards page shows
 * its level distributions without it.
 */
export const LazyTrendChart = lazyComponent(() => import('./TrendChart').then(m => m.TrendChart));
export const LazyInitiativeProgressChart = lazyComponent(() => import('./InitiativeProgressChart').then(m => m.InitiativeProgressChart));
