/**
 * Reads side by side for a run that stops at its first failure: that failure
 * aborts the run (what is still in flight is cut off, waits end), and it is
 * thrown only once every read has settled — so when the caller says the run
 * stopped, nothing of it is still sending or logging.
 */
export async function allOrStop<T extends readonly unknown[] | []>(stop: AbortController, reads: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  let first: { error: unknown } | undefined;
  const settled = await Promise.allSettled(
    reads.map((read) =>
      Promise.resolve(read).catch((error: unknown) => {
        if (!first) {
          first = { error };
          stop.abort(error);
        }
        throw error;
      }),
    ),
  );
  if (first) throw first.error;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as { -readonly [K in keyof T]: Awaited<T[K]> };
}
