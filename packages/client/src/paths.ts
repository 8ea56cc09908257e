/** The path of a task, or of one of its sub-resources (`/cancel`, `/events`, `/content`). */
export const taskPath = (taskId: string, rest = '') => `/v1/tasks/${encodeURIComponent(taskId)}${rest}`;
