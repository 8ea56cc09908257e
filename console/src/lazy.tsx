import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { describeError } from './api.js';

/** A component loaded on first use: the first page load carries only what the sign-in needs. */
export function lazy<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  return function Lazy(props: P) {
    const [C, setC] = useState<ComponentType<P> | undefined>(() => loaded);
    const [error, setError] = useState<unknown>(null);
    useEffect(() => {
      if (C) return;
      load().then(
        (c) => {
          loaded = c;
          setC(() => c);
        },
        setError,
      );
    }, []);
    if (error) return <p role="alert">Could not load this page: {describeError(error)}</p>;
    return C ? <C {...props} /> : <p class="muted">Loading…</p>;
  };
}
