import type { EntityManager } from '@mikro-orm/postgresql';

/** Jobs in the durable queue of one task in one state. */
export interface QueueDepth {
  task: string;
  /** `due` (runnable now), `scheduled` (run_at in the future), `running` (locked by a worker), `failed` (out of attempts). */
  state: 'due' | 'scheduled' | 'running' | 'failed';
  jobs: number;
}

/** The queue's depth by task and state (the operators' metrics; platform-wide, no client data). Read-only. */
export async function queueDepth(em: EntityManager): Promise<QueueDepth[]> {
  const rows = await em.execute<{ task: string; state: QueueDepth['state']; jobs: string }[]>(
    `select t.identifier as task,
       case when j.locked_at is not null then 'running' when j.attempts >= j.max_attempts then 'failed' when j.run_at <= now() then 'due' else 'scheduled' end as state,
       count(*)::text as jobs
     from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
     group by 1, 2`,
  );
  return rows.map((r) => ({ task: r.task, state: r.state, jobs: Number(r.jobs) }));
}
