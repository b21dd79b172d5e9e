/**
 * Reads side by side for a run that stops at its first failure: that failure
 * aborts the run (what is still in flight is cut off, waits end), and the
 * reason the run stopped is thrown only once every read has settled — so when
 * the caller says the run stopped, nothing of it is still sending or logging.
 * Nested calls share `stop`: the reason is the first failure anywhere, not
 * the cancellation it caused in a sibling.
 */
export async function allOrStop<T extends readonly unknown[] | []>(stop: AbortController, reads: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(
    reads.map((read) =>
      Promise.resolve(read).catch((error: unknown) => {
        if (!stop.signal.aborted) stop.abort(error);
        throw error;
      }),
    ),
  );
  if (settled.some((s) => s.status === 'rejected')) throw stop.signal.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}
