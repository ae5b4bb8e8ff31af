import type { TaskList } from 'graphile-worker';
import { systemEm } from '../../context';
import { isUuid } from '../../lib/ids';
import type { TaskDeps } from '../module';
import { releaseHold } from './on-hold.queries';
import { IMPORT_TASK } from './suppression-import.service';
import { processImport } from './suppression-import.task';
import { publishChangesOnCommit } from './suppression-events';
import { SuppressionChangeKind } from './suppression.enums';
import { RELEASE_HOLD_TASK } from './suppressions.consumer';

/** The suppressions module's jobs: releasing ON_HOLD entries and processing CSV imports. */
export function suppressionsTasks(td: TaskDeps): TaskList {
  return {
    [RELEASE_HOLD_TASK]: async (payload) => {
      const id = (payload as { suppressionId?: unknown } | null)?.suppressionId;
      if (typeof id !== 'string' || !isUuid(id)) return;
      await systemEm(td.orm).transactional(async (em) => {
        const released = await releaseHold(em, id);
        if (released) await publishChangesOnCommit(em, SuppressionChangeKind.REMOVED, [released]);
      });
    },
    [IMPORT_TASK]: async (payload) => {
      await processImport(td, payload);
    },
  };
}
