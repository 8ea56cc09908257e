import { EventEmitter } from 'node:events';
import type { TaskEvents } from '../../domain/ports.js';

/** In-process task events; other processes' changes are seen by polling the store. */
export function createMemoryTaskEvents(): TaskEvents {
  const emitter = new EventEmitter();
  // Every SSE client and waiting request subscribes: no listener cap.
  emitter.setMaxListeners(0);
  return {
    publish(event) {
      emitter.emit(event.taskId, event);
    },
    subscribe(taskId, listener) {
      emitter.on(taskId, listener);
      return () => emitter.off(taskId, listener);
    },
  };
}
