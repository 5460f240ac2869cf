import { Gauge, register, type Metric } from 'prom-client';

/** What one subscriber on this instance has not handled yet. */
export interface SubscriberLag {
  subscriber: string;
  delivery: 'every-instance' | 'once';
  /** Events published for the subscriber's topics and not yet handled (read, delivered and, for `once`, finished). */
  pending: number;
  /** Age of the oldest of them in seconds; 0 when none is pending. */
  oldestSeconds: number;
}

/** An events service that can say how far behind its subscribers are. */
export interface EventsLagSource {
  lag(): Promise<SubscriberLag[]>;
}

const sources = new Set<EventsLagSource>();

function single<T extends Metric>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

/** Null-prototype labels: prom-client checks labels with for...in. */
function labels(lag: SubscriberLag): Record<string, string> {
  return Object.assign(Object.create(null) as Record<string, string>, { subscriber: lag.subscriber, delivery: lag.delivery });
}

/**
 * Reads the lag of every registered events service at each scrape of `/metrics`:
 * `portico_events_pending{subscriber,delivery}` and `portico_events_lag_seconds{subscriber,delivery}` (age of the
 * oldest unhandled event). Several backends in one process (tests) report the largest figure per subscriber.
 */
async function collectLag(): Promise<Map<string, SubscriberLag>> {
  const merged = new Map<string, SubscriberLag>();
  await Promise.all(
    [...sources].map(async source => {
      let lags: SubscriberLag[];
      try {
        lags = await source.lag();
      } catch {
        return; // an unreachable store leaves its samples out instead of failing the scrape
      }
      for (const lag of lags) {
        const key = `${lag.delivery}:${lag.subscriber}`;
        const seen = merged.get(key);
        merged.set(key, seen ? { ...lag, pending: Math.max(seen.pending, lag.pending), oldestSeconds: Math.max(seen.oldestSeconds, lag.oldestSeconds) } : lag);
      }
    }),
  );
  return merged;
}

let lastScrape: { at: number; result: Promise<Map<string, SubscriberLag>> } | undefined;

/** Both gauges read one collection per scrape. */
function collectOnce(): Promise<Map<string, SubscriberLag>> {
  const now = Date.now();
  if (!lastScrape || now - lastScrape.at > 250) lastScrape = { at: now, result: collectLag() };
  return lastScrape.result;
}

function ensureGauges(): void {
  const labelNames = ['subscriber', 'delivery'] as const;
  single(
    'portico_events_pending',
    () =>
      new Gauge({
        name: 'portico_events_pending',
        help: 'Events published for a subscriber and not yet handled by it on this instance',
        labelNames,
        async collect() {
          this.reset();
          for (const lag of (await collectOnce()).values()) this.set(labels(lag), lag.pending);
        },
      }),
  );
  single(
    'portico_events_lag_seconds',
    () =>
      new Gauge({
        name: 'portico_events_lag_seconds',
        help: 'Age in seconds of the oldest event a subscriber has not handled yet on this instance (0: none pending)',
        labelNames,
        async collect() {
          this.reset();
          for (const lag of (await collectOnce()).values()) this.set(labels(lag), lag.oldestSeconds);
        },
      }),
  );
}

/** Reports the source's lag on `/metrics` until the returned function is called. */
export function reportEventsLag(source: EventsLagSource): () => void {
  ensureGauges();
  sources.add(source);
  return () => void sources.delete(source);
}
