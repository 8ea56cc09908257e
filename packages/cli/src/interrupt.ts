/**
 * Ctrl-C while the CLI waits: the first one aborts the wait (the command then says how to resume, or
 * cancels the task when asked to); a second one quits at once.
 */
export function trapInterrupt(controller: AbortController): () => void {
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  return () => process.off('SIGINT', onSignal);
}
