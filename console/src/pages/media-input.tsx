import { useEffect, useState } from 'preact/hooks';
import { api, describeError } from '../api.js';
import type { Ok, UploadedFile } from '../types.js';

const accepts: Record<'image' | 'video' | 'audio', string> = {
  image: 'image/png,image/jpeg,image/bmp,image/webp',
  video: 'video/mp4,video/quicktime',
  audio: 'audio/wav,audio/x-wav,audio/mpeg',
};

/**
 * One media field of the request: a local file (uploaded at once through POST /v1/files, whose URL
 * goes into the request) or a URL typed in. The preview shows the local file itself.
 */
export function MediaInput(props: { id: string; label: string; kind: 'image' | 'video' | 'audio'; hint: string; url: string; onUrl: (url: string) => void }) {
  const { id, label, kind, url, onUrl } = props;
  const [status, setStatus] = useState<{ text: string; error?: boolean } | null>(null);
  const [preview, setPreview] = useState<string | null>(null);

  useEffect(() => () => void (preview && URL.revokeObjectURL(preview)), [preview]);
  useEffect(() => {
    // The URL was cleared or replaced from outside (reset, run again): the local preview no longer applies.
    if (!url) setPreview(null);
  }, [url]);

  const choose = async (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    setPreview(URL.createObjectURL(file));
    setStatus({ text: `Uploading ${file.name}…` });
    onUrl('');
    const form = new FormData();
    form.append('file', file);
    try {
      const res = await api<Ok<UploadedFile>>('POST', '/v1/files', form);
      onUrl(res.data.url);
      setStatus({ text: `Uploaded ${file.name} (${res.data.kind}, ${Math.ceil(res.data.bytes / 1024)} KB)` });
    } catch (err) {
      setStatus({ text: describeError(err), error: true });
      setPreview(null);
    }
    input.value = '';
  };

  return (
    <fieldset class="media">
      <legend>{label}</legend>
      <p class="field-hint">{props.hint}</p>
      <div class="media-row">
        <label class="file-button">
          <span>Choose file…</span>
          <input id={`${id}-file`} data-testid={`${id}-file`} type="file" accept={accepts[kind]} onChange={choose} aria-label={`${label}: upload a file`} />
        </label>
        <input
          id={`${id}-url`}
          type="url"
          placeholder="or paste a URL"
          value={url}
          onInput={(e) => {
            setStatus(null);
            setPreview(null);
            onUrl((e.target as HTMLInputElement).value.trim());
          }}
          aria-label={`${label}: URL`}
        />
        {url && (
          <button type="button" class="secondary small" onClick={() => (setStatus(null), onUrl(''))} aria-label={`Remove ${label}`}>
            Remove
          </button>
        )}
      </div>
      {status && (
        <p class={status.error ? 'field-error' : 'field-hint'} role={status.error ? 'alert' : 'status'}>
          {status.text}
        </p>
      )}
      {preview && kind === 'image' && <img class="preview" src={preview} alt={`${label} preview`} />}
      {preview && kind === 'video' && <video class="preview" src={preview} muted controls />}
      {/* biome-ignore lint/a11y/useMediaCaption: a preview of the person's own file, which has no captions */}
      {preview && kind === 'audio' && <audio src={preview} controls />}
    </fieldset>
  );
}
