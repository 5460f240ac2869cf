import { useLayoutEffect, useState } from 'react';

/**
 * The width of an element, kept up to date as it resizes; `fallback` until it has been measured (and where
 * nothing can measure it, as in a test DOM). `ref` is a callback ref, so an element that appears later is
 * measured too.
 */
export function useElementWidth<T extends HTMLElement>(fallback: number) {
  const [element, setElement] = useState<T | null>(null);
  const [width, setWidth] = useState<number>();
  useLayoutEffect(() => {
    if (!element) return undefined;
    const measure = () => {
      const measured = element.getBoundingClientRect().width;
      if (measured > 0) setWidth(Math.floor(measured));
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);
  return { ref: setElement, width: width ?? fallback };
}
