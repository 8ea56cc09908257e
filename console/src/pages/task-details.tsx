import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { ErrorNotice, Notice, TableWrap, useAction, useLoad } from '../components.js';
import { dateTime } from '../format.js';
import { runAgain } from '../prefill.js';
import { isTerminal, TaskOutcome } from '../task-view.js';
import type { Ok, Task, WebhookDelivery } from '../types.js';

interface Deliveries {
  task_id: string;
  callback_url: string | null;
  deliveries: WebhookDelivery[];
}

function WebhookDeliveries({ task }: { task: Task }) {
  const path = `/v1/tasks/${encodeURIComponent(task.id)}/webhooks`;
  const list = useLoad(() => api<Ok<Deliveries>>('GET', path), [task.id, task.status]);
  const { error, run } = useAction();
  const [queued, setQueued] = useState(false);
  const redeliver = async () => {
    if (!(await run(() => api('POST', `${path}/redeliver`)))) return;
    setQueued(true);
    list.reload();
  };
  const data = list.data?.data;
  return (
    <div class="stack">
      <h3>Webhook deliveries</h3>
      <ErrorNotice error={list.error ?? error} />
      {data && !data.callback_url && <p class="muted small">No callback URL (neither the task's nor its key's): no webhooks.</p>}
      {data && data.deliveries.length > 0 && (
        <TableWrap label="Webhook deliveries">
          <thead>
            <tr>
              <th>Event</th>
              <th>Status</th>
              <th>Attempts</th>
              <th>Last answer</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {data.deliveries.map((d) => (
              <tr>
                <td>{d.event}</td>
                <td>{d.status}</td>
                <td>{d.attempts}</td>
                <td>{d.last_status_code ?? d.last_error ?? '—'}</td>
                <td>{dateTime(d.created)}</td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      {queued && <Notice kind="ok">A new delivery was queued.</Notice>}
      {data?.callback_url && isTerminal(task.status) && (
        <div>
          <button type="button" class="secondary small" onClick={redeliver}>
            Redeliver the webhook
          </button>
        </div>
      )}
    </div>
  );
}

/** A task's row opened: preview, cancel, run again, raw JSON, webhook deliveries. */
export function TaskDetails({ task, onChanged }: { task: Task; onChanged: () => void }) {
  return (
    <div class="stack task-details">
      <TaskOutcome task={task} onCancel={onChanged} />
      <div class="row-buttons">
        <button type="button" class="secondary small" onClick={() => runAgain(task)}>
          Run again
        </button>
      </div>
      {task.input.prompt !== undefined && (
        <p class="prompt-full">
          <strong>Prompt:</strong> {task.input.prompt}
        </p>
      )}
      <details>
        <summary>Raw JSON</summary>
        <pre data-testid="raw-json">{JSON.stringify(task, null, 2)}</pre>
      </details>
      <WebhookDeliveries task={task} />
    </div>
  );
}
