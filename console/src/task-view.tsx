import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';
import { ErrorNotice, Notice, useAction } from './components.js';
import { amount } from './format.js';
import type { Ok, Task } from './types.js';

export const isTerminal = (status: string) => status === 'completed' || status === 'failed' || status === 'cancelled';

/** A task followed live over its Server-Sent Events stream (the session cookie authenticates it). */
export function useTaskStream(taskId: string | null): { task: Task | null; error: unknown } {
  const [task, setTask] = useState<Task | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setTask(null);
    setError(null);
    if (!taskId) return;
    const source = new EventSource(`/v1/tasks/${encodeURIComponent(taskId)}/events`);
    const onEvent = (e: MessageEvent<string>) => {
      const t = JSON.parse(e.data) as Task;
      setTask(t);
      if (isTerminal(t.status)) source.close();
    };
    for (const name of ['pending', 'processing', 'progress', 'completed', 'failed', 'cancelled']) source.addEventListener(name, onEvent as EventListener);
    source.onerror = () => {
      // The browser reconnects by itself; read the task once so a closed stream never hides the end.
      api<Ok<Task>>('GET', `/v1/tasks/${encodeURIComponent(taskId)}`).then(
        (r) => {
          setTask(r.data);
          if (isTerminal(r.data.status)) source.close();
        },
        setError,
      );
    };
    return () => source.close();
  }, [taskId]);
  return { task, error };
}

export function StatusBadge({ task }: { task: Task }) {
  return <span class={`status status-${task.status}`}>{task.status}</span>;
}

/** Status, progress, cost, and the result or the failure: the same view in the playground and the tasks page. */
export function TaskOutcome({ task, onCancel }: { task: Task; onCancel?: () => void }) {
  const { error: cancelError, run } = useAction();
  const content = `/v1/tasks/${encodeURIComponent(task.id)}/content`;
  const video = task.result?.videos[0];
  const cancel = async () => {
    if (await run(() => api('POST', `/v1/tasks/${encodeURIComponent(task.id)}/cancel`))) onCancel?.();
  };
  return (
    <div class="outcome" data-testid="task-outcome" data-status={task.status}>
      <p>
        <StatusBadge task={task} /> <code>{task.id}</code> · {task.mode} · cost {amount(task.cost, task.currency)}
        {task.queue_position !== undefined && ` · ${task.queue_position} ahead in the queue`}
      </p>
      {!isTerminal(task.status) && (
        <div class="row-buttons">
          <progress max={100} value={task.progress} aria-label="Progress">
            {task.progress}%
          </progress>
          <span>{task.progress}%</span>
          {onCancel && (
            <button type="button" class="danger small" onClick={cancel}>
              Cancel
            </button>
          )}
        </div>
      )}
      <ErrorNotice error={cancelError} />
      {task.status === 'failed' && task.error && (
        <Notice kind="error">
          The task failed: {task.error.message} ({task.error.reason})
        </Notice>
      )}
      {task.status === 'cancelled' && <Notice kind="info">The task was cancelled; its hold was released.</Notice>}
      {video && video.expired && <Notice kind="info">The video was deleted by retention; the task keeps its details.</Notice>}
      {video && !video.expired && (
        <div class="result">
          {/* biome-ignore lint/a11y/useMediaCaption: a generated video comes with no caption text to offer */}
          <video data-testid="result-video" controls preload="metadata" src={content} width={video.width} height={video.height} />
          <p class="small">
            {video.width}×{video.height}, {video.duration} s, {video.fps} fps ·{' '}
            <a href={content} download={`${task.id}.mp4`}>
              Download MP4
            </a>
          </p>
        </div>
      )}
      {task.warnings?.map((w) => (
        <p class="small muted">{w}</p>
      ))}
    </div>
  );
}
