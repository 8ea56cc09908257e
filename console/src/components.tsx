import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { describeError } from './api.js';

/** A message for the person: errors are announced (role=alert), the rest politely. Always text, never markup. */
export function Notice({ kind, children }: { kind: 'error' | 'info' | 'ok'; children: ComponentChildren }) {
  return (
    <div class={`notice notice-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function ErrorNotice({ error }: { error: unknown }) {
  return error ? <Notice kind="error">{describeError(error)}</Notice> : null;
}

export function CopyButton({ text, label = 'Copy', name }: { text: string; label?: string; name?: string }) {
  const [done, setDone] = useState<'copied' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone('copied');
    } catch {
      setDone('failed');
    }
    setTimeout(() => setDone(null), 2000);
  };
  return (
    <button type="button" class="secondary small" onClick={copy} aria-label={name ? `${label} ${name}` : label}>
      {done === 'copied' ? 'Copied' : done === 'failed' ? 'Copy failed' : label}
    </button>
  );
}

/** A secret shown masked until asked, with a copy button that works either way. */
export function SecretField({ label, value }: { label: string; value: string }) {
  const [shown, setShown] = useState(false);
  return (
    <div class="secret">
      <code class="secret-value" data-testid={`secret-${label}`}>
        {shown ? value : '•'.repeat(Math.min(32, value.length))}
      </code>
      <button type="button" class="secondary small" onClick={() => setShown(!shown)} aria-pressed={shown} aria-label={`${shown ? 'Hide' : 'Reveal'} ${label}`}>
        {shown ? 'Hide' : 'Reveal'}
      </button>
      <CopyButton text={value} name={label} />
    </div>
  );
}

/** A labelled control; the hint stays outside the label, so the control's accessible name is the label alone. */
export function Field({ label, hint, children }: { label: string; hint?: string | undefined; children: ComponentChildren }) {
  return (
    <div class="field">
      {/* biome-ignore lint/a11y/noLabelWithoutControl: the control comes in as children, inside the label */}
      <label class="field">
        <span class="field-label">{label}</span>
        {children}
      </label>
      {hint && <span class="field-hint">{hint}</span>}
    </div>
  );
}

/** A table that scrolls sideways when too wide; `cards`: on a phone each row becomes a card of labelled cells (data-label). */
export function TableWrap({ label, cards = false, children }: { label: string; cards?: boolean; children: ComponentChildren }) {
  return (
    <section class="table-wrap" aria-label={label}>
      <table class={cards ? 'cards' : undefined}>{children}</table>
    </section>
  );
}

/** An action that calls the API: `run` keeps its failure in `error` (shown by ErrorNotice) and clears it on success. */
export function useAction(): { error: unknown; run: (action: () => Promise<unknown>) => Promise<boolean> } {
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (action: () => Promise<unknown>) => {
    try {
      await action();
      setError(null);
      return true;
    } catch (e) {
      setError(e);
      return false;
    }
  }, []);
  return { error, run };
}

/** Loads with `load` when `deps` change; `reload` runs it again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: unknown; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState((s) => ({ data: s.data, error, loading: false })),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function Section({ title, actions, children }: { title: string; actions?: ComponentChildren; children: ComponentChildren }) {
  return (
    <section class="card">
      <header class="card-head">
        <h2>{title}</h2>
        {actions && <div class="card-actions">{actions}</div>}
      </header>
      <div class="card-body">{children}</div>
    </section>
  );
}
