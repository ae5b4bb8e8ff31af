import { Permission } from '../../auth/permissions';
import { defineModule } from '../module';
import { dnsInstructionsRoute } from './dns-instructions.route';
import { Domain } from './domain.entity';
import { DomainResolver } from './domain.resolver';
import { domainTasks } from './domain.tasks';
import { TenantDomainsResolver } from './tenant-domains.resolver';

/** Sending domains: DNS records, verification, re-checks, the DNS instructions page. */
export const domainsModule = defineModule({
  name: 'domains',
  entities: [Domain],
  resolvers: [DomainResolver, TenantDomainsResolver],
  tasks: domainTasks,
  routes: [dnsInstructionsRoute],
  nodeTypes: { Domain: { entity: Domain, permission: Permission.DOMAINS_READ } },
});
