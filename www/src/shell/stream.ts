/**
 * Training streams and the one loop that drives them. A page never loops over training itself:
 * it opens a stream (a run's own `train()`, which yields `{ report, evaluation? }` on the core's
 * cadence, or {@link rounds} of several) and {@link drive} pulls it, handing each report to the
 * page to draw. Stopping the pull is the pause: the stream's generators finish their own
 * bookkeeping.
 */

/**
 * Side-by-side training: several streams pulled in turn, one report each per round, so the runs
 * advance together on one worker (the compare page's backbones, the in-context page's two token
 * layouts, the continual page's two learners). A finished stream gives `null` in later rounds.
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

/** How a drive ended. */
export type Ending = "ended" | "stopped" | "superseded";

/**
 * Pulls `stream` and draws each report until the stream ends, `stop()` asks for a stop after a
 * report, or `current()` says a newer run replaced this one (then nothing more is drawn).
 */
export async function drive<R>(
  stream: AsyncIterable<R>,
  draw: (report: R) => Promise<void> | void,
  stop: () => boolean,
  current: () => boolean,
): Promise<Ending> {
  for await (const report of stream) {
    if (!current()) return "superseded";
    await draw(report);
    if (!current()) return "superseded";
    if (stop()) return "stopped";
  }
  return current() ? "ended" : "superseded";
}
