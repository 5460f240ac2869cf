import { DependencyList, useCallback, useEffect, useState } from 'react';

export type AsyncState<T> =
  | { loading: true; error?: undefined; value?: T }
  | { loading: false; error: Error; value?: undefined }
  | { loading: false; error?: undefined; value: T };

/**
 * Runs `fn` when `deps` change and tracks its result; an answer that arrives after the deps changed again
 * is dropped, so a slow old request never overwrites a newer one.
 */
export function useAsync<T>(fn: () => Promise<T>, deps: DependencyList): AsyncState<T> & { retry: () => void } {
  const [state, setState] = useState<AsyncState<T>>({ loading: true });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let current = true;
    setState(prev => ({ loading: true, value: prev.value }));
    fn().then(
      value => current && setState({ loading: false, value }),
      (error: unknown) =>
        current && setState({ loading: false, error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      current = false;
    };
  }, [...deps, attempt]);
  const retry = useCallback(() => setAttempt(a => a + 1), []);
  return { ...state, retry };
}
