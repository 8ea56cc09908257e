/** The options and the handle of the DashScope simulator (fake-dashscope.ts). */
import type { WireVariants } from './task-view.js';
import type { ValidateOptions } from './validate-create.js';

export interface FakeDashscopeFaults {
  /** Probabilities 0..1, drawn from a seeded PRNG (faults.seed) so runs are reproducible. */
  createError500: number;            // reply 500 InternalError, task NOT created
  createCutBeforeAccept: number;     // destroy the socket before creating the task
  createCutAfterAccept: number;      // create the task, then destroy the socket without a reply
  createHangAfterAccept: number;     // create the task, never reply (client must time out)
  createThrottle429: number;         // reply 429 Throttling, task NOT created
  queryError500: number;             // query/list reply 500
  queryCut: number;                  // query/list socket destroyed
  taskFailure: number;               // task ends FAILED with code InternalError
  seed: number;
}
/** Where the recorded answers disagree (see task-view.ts and validate-create.ts). */
export type FakeDashscopeVariants = WireVariants & ValidateOptions;
export const RECORDED_VARIANTS: FakeDashscopeVariants = { usageNumbers: 'float', usageFps: true, actualPrompt: false, modelNotFoundStatus: 404, mediaErrorsAt: 'first_poll' };

export interface FakeDashscopeOptions {
  host?: string;                     // default 127.0.0.1
  port?: number;                     // default 0 (any free port)
  /**
   * Accepted API keys; rate limits are per cloud account, shared by all of its keys. missingModels: models
   * the key's region does not offer (a create answers "Model not exist."), e.g. ['wan2.7-r2v'].
   */
  keys: { key: string; account: string; arrears?: boolean; missingModels?: string[] }[];
  queryLimitPerSecond?: number;      // default 20, per account, counting task queries AND list calls; over it: 429 Throttling
  pendingMs?: number;                // time in PENDING (default 1000)
  runningMs?: number;                // time in RUNNING (default 3000)
  /** One task's time in RUNNING, decided at its create (benches spread ends over a run); default runningMs. */
  runningMsFor?: (task: { prompt: string | undefined; createdAtMs: number }) => number;
  resultUrlTtlMs?: number;           // signed video_url lifetime (default 24 h); expired URL -> 403
  taskExpiryMs?: number;             // after this a task queries as UNKNOWN (default 24 h)
  invalidFailMs?: number;            // a task with bad input turns FAILED this long after its create (default 100)
  variants?: Partial<FakeDashscopeVariants>; // default RECORDED_VARIANTS (the latest live capture)
  faults?: Partial<FakeDashscopeFaults>;
  /** Renders the result MP4 for a task; default: a real small MP4 made with the bundled ffmpeg. */
  render?: (task: { model: string; input: unknown; parameters: unknown }, outPath: string) => Promise<void>;
  /** Injected clock for status progression (default Date.now). */
  nowMs?: () => number;
}
export interface FakeDashscope {
  url: string;                       // base URL, e.g. http://127.0.0.1:41234
  close(): Promise<void>;
  setFaults(f: Partial<FakeDashscopeFaults>): void;
  /** Changes how the next answers are written (see variants). */
  setVariants(v: Partial<FakeDashscopeVariants>): void;
  stats(): { createCalls: number; tasksCreated: number; queries: number; listCalls: number; throttled: number; cancels: number; downloads: number; maxQueriesInOneSecond: Record<string, number> };
  /** Every upstream task, for assertions (no duplicate creates, etc.); endSeenAtMs: the first query that showed its end. */
  tasks(): { taskId: string; account: string; model: string; status: string; prompt: string | undefined; createdAtMs: number; endedAtMs: number | null; endSeenAtMs: number | null }[];
  /** The create body of an upstream task exactly as received (tests assert the native bodies). */
  createBody(taskId: string): unknown;
}

export const NO_FAULTS: FakeDashscopeFaults = {
  createError500: 0, createCutBeforeAccept: 0, createCutAfterAccept: 0, createHangAfterAccept: 0, createThrottle429: 0,
  queryError500: 0, queryCut: 0, taskFailure: 0, seed: 1,
};
