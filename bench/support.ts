/** Runs `jobs` with at most `n` at a time; returns the elapsed seconds. */
export async function timed(jobs: (() => Promise<void>)[], n: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < jobs.length) await jobs[next++]();
    }),
  );
  return (performance.now() - started) / 1000;
}
