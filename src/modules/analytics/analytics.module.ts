import { Permission } from '../../auth/permissions';
import { defineModule } from '../module';
import { analyticsExportRoute } from './analytics-export.route';
import { analyticsConsumer } from './analytics.consumer';
import { AnalyticsResolver } from './analytics.resolver';
import { Report } from './report.entity';
import { ReportResolver, ReportScheduleResolver } from './reports.resolver';
import { ANALYTICS_CRONTAB, analyticsTasks } from './analytics.tasks';
import { ReportSchedule } from './report-schedule.entity';

/** Analytics: hourly rollups kept by an event consumer, the `analytics` query, saved reports and exports. */
export const analyticsModule = defineModule({
  name: 'analytics',
  entities: [Report, ReportSchedule],
  resolvers: [AnalyticsResolver, ReportResolver, ReportScheduleResolver],
  tasks: analyticsTasks,
  crontab: ANALYTICS_CRONTAB,
  consumers: [analyticsConsumer],
  routes: [analyticsExportRoute],
  nodeTypes: { Report: { entity: Report, permission: Permission.ANALYTICS_READ } },
});
