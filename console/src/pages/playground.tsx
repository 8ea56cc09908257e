import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api.js';
import type { Session } from '../app.js';
import { CopyButton, ErrorNotice, Field, Notice, Section } from '../components.js';
import { amount, money } from '../format.js';
import { takePrefill } from '../prefill.js';
import { isTerminal, TaskOutcome, useTaskStream } from '../task-view.js';
import { MediaInput } from './media-input.js';
import { buildBody, checkBody, curlOf, emptyForm, formFromTask, quote, type MediaSlot, type PlaygroundForm } from './playground-request.js';

/** Every field of the create request, checked live by the server's own rules, then run and followed. */
export function PlaygroundPage({ session }: { session: Session }) {
  const model = session.models[0];
  const [form, setForm] = useState<PlaygroundForm>(() => {
    const task = takePrefill();
    return task ? formFromTask(task, model) : emptyForm(model);
  });
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [taskId, setTaskId] = useState<string | null>(null);
  const { task, error: streamError } = useTaskStream(taskId);

  const set = <K extends keyof PlaygroundForm>(key: K, value: PlaygroundForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const body = useMemo(() => buildBody(form), [form]);
  const check = useMemo(() => checkBody(body, model), [body, model]);
  const quoted = quote(model, form.resolution, Number(form.duration));
  const price = model?.pricing.per_second[form.resolution];
  const textOnly = !form.firstFrame && !form.lastFrame && !form.video;
  const refreshMe = session.refreshMe;

  useEffect(() => {
    if (task && isTerminal(task.status)) refreshMe();
  }, [task?.status]);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!check.ok) return;
    setBusy(true);
    setSubmitError(null);
    try {
      const res = await api<{ data: { task_id: string }[] }>('POST', '/v1/videos/generations', body);
      setTaskId(res.data[0]!.task_id);
      refreshMe();
    } catch (err) {
      setSubmitError(err);
    } finally {
      setBusy(false);
    }
  };

  const media = (slot: MediaSlot, label: string, kind: 'image' | 'video' | 'audio', hint: string) => (
    <MediaInput id={slot} label={label} kind={kind} hint={hint} url={form[slot]} onUrl={(url) => set(slot, url)} />
  );
  const limits = model?.limits;

  return (
    <form class="playground" onSubmit={submit} aria-label="Create a video">
      <div class="stack">
        <Section title="Prompt">
          <Field label="Prompt" hint={`${form.prompt.length} / ${limits?.prompt_max_chars ?? 5000} characters; required for text-to-video`}>
            <textarea name="prompt" rows={4} maxLength={limits?.prompt_max_chars} value={form.prompt} onInput={(e) => set('prompt', (e.target as HTMLTextAreaElement).value)} />
          </Field>
          <Field label="Negative prompt" hint="what the video should avoid">
            <input name="negative_prompt" maxLength={limits?.negative_prompt_max_chars} value={form.negativePrompt} onInput={(e) => set('negativePrompt', (e.target as HTMLInputElement).value)} />
          </Field>
        </Section>
        <Section title="Media (optional)">
          <p class="muted small">No media: text-to-video. First frame; first + last frame; a continuation video (with an optional last frame). Audio drives image modes, or is background music for text-to-video.</p>
          {media('firstFrame', 'First frame', 'image', 'JPEG, PNG, BMP or WEBP, 240–8000 px a side')}
          {media('lastFrame', 'Last frame', 'image', 'needs a first frame or a continuation video')}
          {media('video', 'Continuation video', 'video', 'MP4 or MOV, 2–10 s; the output continues it')}
          {media('audio', 'Audio', 'audio', 'WAV or MP3, 2–30 s')}
        </Section>
        <Section title="Parameters">
          <div class="row">
            <Field label="Resolution">
              <select name="resolution" value={form.resolution} onChange={(e) => set('resolution', (e.target as HTMLSelectElement).value)}>
                {(model?.resolutions ?? ['720P', '1080P']).map((r) => (
                  <option value={r}>{r}</option>
                ))}
              </select>
            </Field>
            <Field label="Duration (s)" hint={limits ? `${limits.duration.min}–${limits.duration.max}` : undefined}>
              <input name="duration" type="number" inputMode="numeric" min={limits?.duration.min} max={limits?.duration.max} value={form.duration} onInput={(e) => set('duration', (e.target as HTMLInputElement).value)} />
            </Field>
            <Field label="Aspect ratio" hint={textOnly ? 'text-to-video' : 'image modes keep the input aspect'}>
              <select name="size" value={form.size} disabled={!textOnly} onChange={(e) => set('size', (e.target as HTMLSelectElement).value)}>
                {(model?.sizes ?? ['16:9']).map((s) => (
                  <option value={s}>{s}</option>
                ))}
              </select>
            </Field>
            <Field label="Seed" hint="empty: random">
              <input name="seed" type="number" inputMode="numeric" min={0} value={form.seed} onInput={(e) => set('seed', (e.target as HTMLInputElement).value)} />
            </Field>
          </div>
          <div class="row">
            <label class="check">
              <input type="checkbox" name="prompt_extend" checked={form.promptExtend} onChange={(e) => set('promptExtend', (e.target as HTMLInputElement).checked)} /> Prompt rewriting (prompt_extend)
            </label>
            <label class="check">
              <input type="checkbox" name="watermark" checked={form.watermark} onChange={(e) => set('watermark', (e.target as HTMLInputElement).checked)} /> Watermark
            </label>
          </div>
          <Field label="Callback URL" hint="optional webhook for this task">
            <input name="callback_url" type="url" value={form.callbackUrl} onInput={(e) => set('callbackUrl', (e.target as HTMLInputElement).value)} />
          </Field>
        </Section>
      </div>
      <aside class="stack">
        <Section title="Request">
          <p data-testid="mode" aria-live="polite">
            {check.ok ? (
              <>
                Mode: <strong>{check.modeName}</strong>
              </>
            ) : (
              <span class="field-error">Not valid yet: {check.message}</span>
            )}
          </p>
          <p data-testid="quote">
            {quoted !== undefined && price ? (
              <>
                Price: <strong>{money(quoted, model!.pricing.currency)}</strong> ({form.duration} s × {price.amount} {model!.pricing.currency}/s at {form.resolution})
              </>
            ) : (
              'Price: —'
            )}
          </p>
          <p class="muted small">Balance: {amount(session.me.balance, session.me.currency)}</p>
          <ErrorNotice error={submitError} />
          <div class="row-buttons">
            <button type="submit" disabled={!check.ok || busy}>
              {busy ? 'Submitting…' : 'Generate'}
            </button>
            <CopyButton text={curlOf(body, location.origin)} label="Copy as curl" />
            <button type="button" class="secondary" onClick={() => setForm(emptyForm(model))}>
              Reset
            </button>
          </div>
        </Section>
        {taskId && (
          <Section title="Result">
            <ErrorNotice error={streamError} />
            {task ? <TaskOutcome task={task} onCancel={() => undefined} /> : <Notice kind="info">Submitted {taskId}; waiting for its first event…</Notice>}
          </Section>
        )}
      </aside>
    </form>
  );
}
