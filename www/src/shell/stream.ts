/**
 * Side-by-side training: several `session.train()` pumps pulled in turn, one report each per
 * round, so the runs advance together on one worker (the compare page's two backbones, the
 * in-context page's two token layouts). Stopping the loop stops pulling: that is the pause.
 */
export async function* rounds<T>(
  pumps: AsyncGenerator<T, void, undefined>[],
): AsyncGenerator<(T | null)[], void, undefined> {
  try {
    for (;;) {
      const round: (T | null)[] = [];
      for (const pump of pumps) {
        const next = await pump.next();
        round.push(next.done ? null : next.value);
      }
      if (round.every((r) => r === null)) return;
      yield round;
    }
  } finally {
    // Let each session's generator finish its own bookkeeping (a paused train() resumes later).
    await Promise.all(pumps.map((p) => p.return(undefined)));
  }
}
