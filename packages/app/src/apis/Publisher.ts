/** A tiny listener list shared by the error and alert APIs. */
export class Publisher<E> {
  private readonly listeners = new Set<(event: E) => void>();

  publish(event: E): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  subscribe(listener: (event: E) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
