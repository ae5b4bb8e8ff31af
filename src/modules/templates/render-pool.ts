import { join } from 'node:path';
import Tinypool from 'tinypool';

/** Liquid's own limits inside a render: template size (characters), memory (Liquid's allocation count). */
export const LIQUID_LIMITS = { parseLimit: 2_000_000, memoryLimit: 20_000_000 } as const;

// Extra wall-clock time past Liquid's own renderLimit before the thread is killed: Liquid stops a
// loop between iterations (cheap, the thread stays); the hard stop is for what it cannot interrupt.
const HARD_STOP_GRACE_MS = 100;

/** What one render gives back: the output, or why it failed (a Liquid error, the time budget, memory). */
export type RenderOutcome = { output: string } | { error: string };

/** Renders Liquid off the main thread, so a hostile template never stalls the API process. */
export interface TemplateRenderer {
  /** Renders `source` with `variables` within `budgetMs` of wall-clock time (waiting for a free thread included). */
  render(source: string, variables: Record<string, unknown>, budgetMs: number): Promise<RenderOutcome>;
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
  return {
    async render(source, variables, budgetMs) {
      if (budgetMs <= 0) return { error: 'the render budget is spent' };
      const task = { source, variables, limits: { ...LIQUID_LIMITS, renderLimit: budgetMs } };
      try {
        return (await pool.run(task, { signal: AbortSignal.timeout(budgetMs + HARD_STOP_GRACE_MS) })) as RenderOutcome;
      } catch (e) {
        if (isAbort(e)) return { error: `rendering took longer than ${budgetMs} ms` };
        if (isOutOfMemory(e)) return { error: 'rendering needs too much memory' };
        throw e;
      }
    },
    async close() {
      await pool.destroy();
    },
  };
}
