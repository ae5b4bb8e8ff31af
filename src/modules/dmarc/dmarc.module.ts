import { Permission } from '../../auth/permissions';
import { defineModule } from '../module';
import { DmarcMonitor } from './dmarc-monitor.entity';
import { DmarcReport, DmarcReportRecord } from './dmarc-report.entity';
import { DmarcMonitorResolver, DmarcReportResolver } from './dmarc.resolver';
import { DMARC_RECHECK_TASK, dmarcTasks } from './dmarc.tasks';

/** DMARC monitoring: monitors per domain, reports by mail (rua address) and upload, their aggregates. */
export const dmarcModule = defineModule({
  name: 'dmarc',
  entities: [DmarcMonitor, DmarcReport, DmarcReportRecord],
  resolvers: [DmarcMonitorResolver, DmarcReportResolver],
  tasks: dmarcTasks,
  // Once a day: records change rarely, and checkDmarcMonitor checks one at once.
  crontab: [`15 4 * * * ${DMARC_RECHECK_TASK}`],
  nodeTypes: {
    DmarcMonitor: { entity: DmarcMonitor, permission: Permission.DMARC_READ },
    DmarcReport: { entity: DmarcReport, permission: Permission.DMARC_READ },
  },
});
