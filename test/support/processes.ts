import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** A spawned process with its output collected as it arrives. */
export interface Spawned {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code once the process ended. */
  exited: Promise<number | null>;
  /** Resolves with the first match of `pattern` in stdout or stderr; rejects if the process exits or the time is up. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

/**
 * Compiles the server (or another entry point of src/, e.g. `worker.ts`) as `npm run build` does, into `dir` (under node_modules/, so packages resolve from
 * the project and no other test's dist/ is touched), with a copy of package.json so `npm start` runs
 * there. Returns the folder. Side effects: writes under `dir`.
 */
export function buildServer(name: string, entry = 'main.ts'): string {
  const dir = join(ROOT, 'node_modules', '.cache', `${name}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const tsconfig = { extends: join(ROOT, 'tsconfig.json'), compilerOptions: { outDir: join(dir, 'dist'), rootDir: ROOT, sourceMap: false }, files: [join(ROOT, 'src', entry)], include: [] };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  const res = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`tsc failed: ${res.stdout}${res.stderr}`);
  copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  return dir;
}

/** Spawns `command` with exactly `env` (plus PATH and HOME) in `cwd`, collecting its output. */
export function spawnCollect(command: string, args: string[], cwd: string, env: Record<string, string>): Spawned {
  const child = spawn(command, args, { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitForOutput(pattern, timeoutMs = 60_000) {
      for (const started = Date.now(); ;) {
        const m = out.match(pattern) ?? err.match(pattern);
        if (m) return m;
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited (${child.exitCode}) before ${pattern}: ${out}${err}`);
        if (Date.now() - started > timeoutMs) throw new Error(`no ${pattern} within ${timeoutMs} ms: ${out}${err}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Live processes whose command line contains `needle`, with their parent pid (from /proc). */
export function processesMatching(needle: string): { pid: number; ppid: number; cmdline: string }[] {
  const found: { pid: number; ppid: number; cmdline: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state[0] === 'Z' || !cmdline.includes(needle)) continue;
      found.push({ pid: Number(entry), ppid: Number(state[1]), cmdline });
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** Waits until no process's command line contains `needle`; returns those still there after `timeoutMs`. */
export async function waitGone(needle: string, timeoutMs = 15_000): Promise<string[]> {
  for (const started = Date.now(); ;) {
    const left = processesMatching(needle);
    if (left.length === 0 || Date.now() - started > timeoutMs) return left.map((p) => `${p.pid} ${p.cmdline}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Waits until none of `pids` runs; returns those still running after `timeoutMs`. */
export async function waitExited(pids: number[], timeoutMs = 15_000): Promise<number[]> {
  for (const started = Date.now(); ;) {
    const left = pids.filter(alive);
    if (left.length === 0 || Date.now() - started > timeoutMs) return left;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Starts a compiled `worker.js` with exactly `env` (plus PATH); resolves once it says it runs. The caller kills it. */
export async function startWorkerProcess(entry: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [entry], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${log}`)), 30_000);
    const onData = (b: Buffer) => {
      log += b.toString();
      if (log.includes('worker started')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`worker exited with ${code}: ${log}`)));
  });
  return child;
}
