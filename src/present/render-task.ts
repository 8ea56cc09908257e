import type { AppDeps } from '../app/deps.js';
import type { TaskDetails } from '../app/get-task.js';
import type { TaskJson } from './response-schemas.js';
import { presentTask } from './present-task.js';
import type { TaskLanguage } from './task-error-language.js';

export type RenderTaskDeps = Pick<AppDeps, 'prices' | 'engines' | 'clock'>;

/** The task as GET /v1/tasks/{id} shows it in `data` (also the body of webhooks and event streams). */
export function renderTask(deps: RenderTaskDeps, details: TaskDetails, language?: TaskLanguage): TaskJson {
  return presentTask(details, deps.prices, deps.engines.get(details.task.engine)?.description ?? details.task.engine, deps.clock.nowMs(), language);
}
