/**
 * DashScope engine settings for tests against the fake upstream: a task is queried and a waiting create
 * retried every 200 ms instead of every 1-2 s, so tests wait on the fake's own timings, not on ours.
 */
export const fastDashscopeEnv: Record<string, string> = {
  DASHSCOPE_RECHECK_MS: '200',
  DASHSCOPE_CREATE_RETRY_MS: '200',
};
