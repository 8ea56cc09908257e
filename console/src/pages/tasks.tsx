import { useEffect, useState } from 'preact/hooks';
import { api, query } from '../api.js';
import type { Session } from '../app.js';
import { ErrorNotice, Field, Notice, Section, TableWrap, useLoad } from '../components.js';
import { amount, dateTime, fromLocalInput } from '../format.js';
import { isTerminal, StatusBadge } from '../task-view.js';
import type { Task, TaskPage } from '../types.js';
import { TaskDetails } from './task-details.js';

const statuses = ['pending', 'processing', 'completed', 'failed', 'cancelled'];
const livePollMs = 1500;

interface Filters {
  status: string;
  from: string;
  to: string;
}

function TaskRow({ task, onChanged }: { task: Task; onChanged: () => void }) {
  const [open, setOpen] = useState(false);
  const cancel = async () => {
    await api('POST', `/v1/tasks/${encodeURIComponent(task.id)}/cancel`).catch(() => undefined);
    onChanged();
  };
  return (
    <>
      <tr data-task-id={task.id}>
        <td data-label="Created">{dateTime(task.created)}</td>
        <td data-label="Status">
          <StatusBadge task={task} />
          {!isTerminal(task.status) && (
            <progress max={100} value={task.progress} aria-label={`Progress of ${task.id}`}>
              {task.progress}%
            </progress>
          )}
        </td>
        <td data-label="Mode">{task.mode}</td>
        <td class="prompt-cell" data-label="Prompt" title={task.input.prompt}>
          {task.input.prompt ?? <span class="muted">—</span>}
        </td>
        <td data-label="Resolution">{task.parameters.resolution}</td>
        <td class="num" data-label="Duration">{task.parameters.duration} s</td>
        <td data-label="Engine">{task.engine.id}</td>
        <td class="num" data-label="Cost">{amount(task.cost, task.currency)}</td>
        <td data-label="Finished">{dateTime(task.completed)}</td>
        <td class="actions">
          <button type="button" class="secondary small" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? 'Close' : 'Details'}
          </button>
          {!isTerminal(task.status) && (
            <button type="button" class="danger small" onClick={cancel}>
              Cancel
            </button>
          )}
        </td>
      </tr>
      {open && (
        <tr class="detail">
          <td colSpan={10}>
            <TaskDetails task={task} onChanged={onChanged} />
          </td>
        </tr>
      )}
    </>
  );
}

/** The key's tasks, newest first, a page at a time; running ones refresh while on screen. */
export function TasksPage(_props: { session: Session }) {
  const [filters, setFilters] = useState<Filters>({ status: '', from: '', to: '' });
  // Cursors of the pages before this one (the first page has none).
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const page = useLoad(
    () =>
      api<TaskPage>(
        'GET',
        `/v1/tasks${query({ limit: 20, status: filters.status, from: fromLocalInput(filters.from), to: fromLocalInput(filters.to), after: cursor })}`,
      ),
    [filters, cursor],
  );
  const tasks = page.data?.data ?? [];
  const live = tasks.some((t) => !isTerminal(t.status));

  useEffect(() => {
    if (!live) return;
    const timer = setTimeout(page.reload, livePollMs);
    return () => clearTimeout(timer);
  }, [page.data, live]);

  const apply = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    setFilters({ status: value('status'), from: value('from'), to: value('to') });
    setCursors([undefined]);
  };

  return (
    <>
      <Section title="Filter">
        <form class="row filters" onSubmit={apply} aria-label="Filter tasks">
          <Field label="Status">
            <select name="status">
              <option value="">any</option>
              {statuses.map((s) => (
                <option value={s}>{s}</option>
              ))}
            </select>
          </Field>
          <Field label="Created from">
            <input name="from" type="datetime-local" />
          </Field>
          <Field label="Created before">
            <input name="to" type="datetime-local" />
          </Field>
          <div class="field-button">
            <button type="submit">Apply</button>
          </div>
        </form>
      </Section>
      <Section
        title="Tasks"
        actions={
          <button type="button" class="secondary small" onClick={page.reload}>
            Refresh
          </button>
        }
      >
        <ErrorNotice error={page.error} />
        {page.data && tasks.length === 0 && <Notice kind="info">No tasks here. Create one in the playground.</Notice>}
        {tasks.length > 0 && (
          <TableWrap label="Tasks" cards>
            <thead>
              <tr>
                <th>Created</th>
                <th>Status</th>
                <th>Mode</th>
                <th>Prompt</th>
                <th>Resolution</th>
                <th class="num">Duration</th>
                <th>Engine</th>
                <th class="num">Cost</th>
                <th>Finished</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {tasks.map((t) => (
                <TaskRow key={t.id} task={t} onChanged={page.reload} />
              ))}
            </tbody>
          </TableWrap>
        )}
        <div class="row-buttons pager">
          <button type="button" class="secondary small" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            Newer
          </button>
          <span class="muted small">Page {cursors.length}</span>
          <button
            type="button"
            class="secondary small"
            disabled={!page.data?.next_cursor}
            onClick={() => page.data?.next_cursor && setCursors([...cursors, page.data.next_cursor])}
          >
            Older
          </button>
        </div>
      </Section>
    </>
  );
}
