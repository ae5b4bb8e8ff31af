import { readdirSync, readFileSync } from 'node:fs';

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

/**
 * CPU time (user + system, ms) of these PostgreSQL backends (or of every PostgreSQL process on this
 * machine), read from /proc (Linux; null elsewhere or when none is visible): the database's share of a
 * run, which the server's own `process.cpuUsage` does not see.
 */
export function postgresCpuMs(pids?: readonly number[]): number | null {
  let dirs: string[];
  try {
    dirs = pids ? pids.map(String) : readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  const tick = 10; // USER_HZ is 100 on Linux: one tick is 10 ms
  let total = 0;
  let seen = 0;
  for (const pid of dirs) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!name.startsWith('postgres')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
      total += (Number(fields[11]) + Number(fields[12])) * tick;
      seen++;
    } catch {
      // the process ended between the listing and the read
    }
  }
  return seen ? total : null;
}
