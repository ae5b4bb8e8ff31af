import { Permission } from '../../auth/permissions';
import { defineModule } from '../module';
import { analyticsExportRoute } from './analytics-export.route';
import { analyticsConsumer } from './analytics.consumer';
import { AnalyticsResolver } from './analytics.resolver';
import { Report } from './report.entity';
import { ReportResolver } from './reports.resolver';

/** Analytics: hourly rollups kept by an event consumer, the `analytics` query, saved reports and exports. */
export const analyticsModule = defineModule({
  name: 'analytics',
  entities: [Report],
  resolvers: [AnalyticsResolver, ReportResolver],
  consumers: [analyticsConsumer],
  routes: [analyticsExportRoute],
  nodeTypes: { Report: { entity: Report, permission: Permission.ANALYTICS_READ } },
});
