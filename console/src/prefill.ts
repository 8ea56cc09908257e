import { navigate } from './router.js';
import type { Task } from './types.js';

/** "Run again": the tasks page hands a task to the playground, which takes it once. */
let pending: Task | null = null;

export function runAgain(task: Task): void {
  pending = task;
  navigate('playground');
}

export function takePrefill(): Task | null {
  const task = pending;
  pending = null;
  return task;
}
