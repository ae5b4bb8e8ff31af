import { join } from 'node:path';
import Tinypool from 'tinypool';

/** Liquid's own limits inside a render: template size (characters), memory (Liquid's allocation count). */
export const LIQUID_LIMITS = { parseLimit: 2_000_000, memoryLimit: 20_000_000 } as const;

// Extra wall-clock time past Liquid's own renderLimit before the thread is killed: Liquid stops a
// loop between iterations (cheap, the thread stays); the hard stop is for what it cannot interrupt.
const HARD_STOP_GRACE_MS = 100;

/** What one render gives back: the output, or why it failed (a Liquid error, the time budget, memory). */
export type RenderOutcome = { output: string } | { error: string };

/** What parsing a source gives back: the variable paths it reads (null: a dynamic segment), its syntax error, or why it could not finish. */
export type AnalyzeOutcome = { segments: (string | number | null)[][] } | { syntaxError: { message: string; line: number; column: number } } | { error: string };

/** Renders Liquid off the main thread, so a hostile template never stalls the API process. */
export interface TemplateRenderer {
  /** Renders `source` with `variables` within `budgetMs` of wall-clock time (waiting for a free thread included). */
  render(source: string, variables: Record<string, unknown>, budgetMs: number): Promise<RenderOutcome>;
  /** Parses `source` and lists the variables it reads, within `budgetMs` (large templates parse slowly). */
  analyze(source: string, budgetMs: number): Promise<AnalyzeOutcome>;
  /** Stops the threads; renders still running are abandoned. */
  close(): Promise<void>;
}

/** The worker script: plain JavaScript beside this file, in src (vitest) and in dist (the build copies it). */
export const RENDER_WORKER = join(__dirname, 'render-worker.js');

function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

function isOutOfMemory(e: unknown): boolean {
  return e instanceof Error && (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
}

/**
 * A pool of `threads` worker threads (tinypool; started on first use, idle ones stop after a
 * minute) each with a bounded heap. A render over its budget kills its thread (a new one starts).
 */
export function createRenderPool(threads: number): TemplateRenderer {
  const pool = new Tinypool({
    filename: RENDER_WORKER,
    minThreads: 0,
    maxThreads: threads,
    idleTimeout: 60_000,
    resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 32 },
  });
  async function run<T>(verb: string, task: object, budgetMs: number, hardStopMs: number): Promise<T | { error: string }> {
    if (budgetMs <= 0) return { error: `the ${verb} budget is spent` };
    try {
      return (await pool.run(task, { signal: AbortSignal.timeout(hardStopMs) })) as T;
    } catch (e) {
      if (isAbort(e)) return { error: `${verb} took longer than ${budgetMs} ms` };
      if (isOutOfMemory(e)) return { error: `${verb} needs too much memory` };
      throw e;
    }
  }
  return {
    render(source, variables, budgetMs) {
      const task = { kind: 'render', source, variables, limits: { ...LIQUID_LIMITS, renderLimit: budgetMs } };
      return run<RenderOutcome>('render', task, budgetMs, budgetMs + HARD_STOP_GRACE_MS);
    },
    analyze(source, budgetMs) {
      const task = { kind: 'analyze', source, limits: { ...LIQUID_LIMITS, renderLimit: budgetMs } };
      return run<AnalyzeOutcome>('parsing', task, budgetMs, budgetMs);
    },
    async close() {
      await pool.destroy();
    },
  };
}
