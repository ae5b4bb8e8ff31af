import { defineModule } from '../module';
import { analyticsConsumer } from './analytics.consumer';
import { AnalyticsResolver } from './analytics.resolver';

/** Analytics: hourly rollups kept by an event consumer, the `analytics` query, saved reports and exports. */
export const analyticsModule = defineModule({
  name: 'analytics',
  resolvers: [AnalyticsResolver],
  consumers: [analyticsConsumer],
});
