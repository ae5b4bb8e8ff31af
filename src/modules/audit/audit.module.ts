import { defineModule } from '../module';
import { AuditEntry } from './audit-entry.entity';
import { AuditResolver } from './audit.resolver';
import { auditSubscriber } from './audit-subscriber';

/** The audit log: every change by a member or token, recorded by one flush subscriber (and `audit()` for raw writes). */
export const auditModule = defineModule({
  name: 'audit',
  entities: [AuditEntry],
  resolvers: [AuditResolver],
  subscribers: [auditSubscriber],
});
