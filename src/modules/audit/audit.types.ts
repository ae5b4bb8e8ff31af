import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/pagination';
import { LogPrincipal } from '../logs/request-logs.types';

/** What an audit entry is about. */
@ObjectType({ description: 'The object a change was made to.' })
export class AuditTarget {
  @Field(() => String, { description: 'Its GraphQL type: Tenant, Domain, SenderIdentity, Template, ApiToken, Member, Webhook, Suppression, Account…' })
  type!: string;

  @Field(() => ID, { description: 'Its global id (the object may since have been deleted).' })
  id!: string;
}

/** One change in the audit log (GraphQL type `AuditEntry`). */
@ObjectType('AuditEntry', { description: 'One change made by a member or an API token, recorded in the same transaction as the change.' })
export class AuditEntryView {
  @Field(() => ID, { description: 'Opaque id of the entry.' })
  id!: string;

  @Field(() => Date, { description: 'When the change was made.' })
  at!: Date;

  @Field(() => LogPrincipal, { description: 'Who made it.' })
  actor!: LogPrincipal;

  @Field(() => String, {
    description:
      'What was done: `<TYPE>_CREATED`, `<TYPE>_UPDATED`, `<TYPE>_DELETED`, or a specific verb (API_TOKEN_REVOKED, API_TOKEN_PAUSED, API_TOKEN_RESUMED, API_TOKEN_PERMISSIONS_CHANGED, MEMBER_ROLE_CHANGED, SMTP_USER_DISABLED, SMTP_USER_ENABLED).',
  })
  action!: string;

  @Field(() => AuditTarget, { description: 'The object changed.' })
  target!: AuditTarget;

  @Field(() => GraphQLJSONObject, { description: 'The changed fields, each `{ before, after }` (before absent on creation, after on deletion). Secrets are never recorded.' })
  changes!: Record<string, unknown>;

  @Field(() => String, { nullable: true, description: 'The request id of the call that made the change (see requestLogs).' })
  requestId!: string | null;

  @Field(() => String, { nullable: true, description: 'The client IP of that call.' })
  ip!: string | null;
}

/** A page of audit entries. */
export const AuditEntryConnection = Connection(AuditEntryView, 'AuditEntry');
