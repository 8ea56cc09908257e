import type { AppDeps } from '../app/deps.js';

/** A background duty run again and again: returns how much it did (0 = nothing to do, sleep). */
export type MaintenanceStep = () => Promise<number>;

export interface MaintenanceLoop {
  stop(): Promise<void>;
}

/**
 * Runs each step in turn; while a step finds work it runs again at once, otherwise the loop sleeps
 * idleMs. Steps are single-step functions so tests call them directly with an injected clock.
 */
export function startMaintenanceLoop(deps: Pick<AppDeps, 'log'>, steps: Record<string, MaintenanceStep>, idleMs: number): MaintenanceLoop {
  let stopping = false;
  let wake: (() => void) | undefined;
  const loop = async () => {
    while (!stopping) {
      let busy = false;
      for (const [name, step] of Object.entries(steps)) {
        try {
          busy = (await step()) > 0 || busy;
        } catch (err) {
          deps.log.error({ err: String(err), step: name }, 'maintenance step failed');
        }
      }
      if (!busy && !stopping) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, idleMs);
          wake = () => (clearTimeout(timer), resolve());
        });
      }
    }
  };
  const running = loop();
  return {
    async stop() {
      stopping = true;
      wake?.();
      await running;
    },
  };
}
