import { defineModule } from '../module';
import { healthConsumer } from './health.consumer';
import { DomainHealthChangeResolver, DomainHealthResolver } from './health.resolver';
import { HEALTH_SWEEP_TASK, healthTasks } from './health.tasks';

/** Domain health: one view per domain of DNS, DMARC, blocklists and bounce and complaint rates, and its changes live. */
export const healthModule = defineModule({
  name: 'health',
  resolvers: [DomainHealthResolver, DomainHealthChangeResolver],
  tasks: healthTasks,
  consumers: [healthConsumer],
  // Hourly: rates move as the 7-day window slides, and listings, records and DMARC checks change without events.
  crontab: [`25 * * * * ${HEALTH_SWEEP_TASK}`],
});
