/** A stand-in for the browser's EventSource: tests push named server-sent events with `emit`. */
export class MockEventSource {
  static instances: MockEventSource[] = [];
  readonly url: string;
  readonly withCredentials: boolean;
  closed = false;
  /** 0 connecting, 1 open, 2 closed, as EventSource's. */
  readyState = 1;
  onerror: ((event: Event) => void) | null = null;
  private readonly listeners = new Map<string, Array<(event: MessageEvent<string>) => void>>();

  constructor(url: string, init?: { withCredentials?: boolean }) {
    this.url = url;
    this.withCredentials = init?.withCredentials ?? false;
    MockEventSource.instances.push(this);
  }

  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.closed = true;
    this.readyState = 2;
  }

  /** Delivers a named event, as the server's `event: <type>\ndata: <json>` would. */
  emit(type: string, data: unknown): void {
    if (this.closed) return;
    for (const listener of this.listeners.get(type) ?? []) {
      listener(new MessageEvent(type, { data: JSON.stringify(data) }));
    }
  }

  /** An error: by default the browser retries (CONNECTING); `{ closed: true }` is one it gives up on, such as a 401. */
  fail(options: { closed?: boolean } = {}): void {
    this.readyState = options.closed ? 2 : 0;
    this.onerror?.(new Event('error'));
  }

  static latest(): MockEventSource {
    const last = MockEventSource.instances[MockEventSource.instances.length - 1];
    if (!last) throw new Error('No EventSource was opened');
    return last;
  }
}
