import { Account } from './accounts/account.entity';
import { ApiToken } from './api-tokens/api-token.entity';
import { Domain } from './domains/domain.entity';
import { SenderIdentity } from './identities/sender-identity.entity';
import { SystemEmail } from './mail/system-email.entity';
import { Membership } from './members/membership.entity';
import { Session } from './members/session.entity';
import { User } from './members/user.entity';
import { Template } from './templates/template.entity';
import { ActivityEvent } from './activity/activity-event.entity';
import { BulkSend } from './sending/bulk-send.entity';
import { IdempotencyRecord } from './sending/idempotency-record.entity';
import { Message } from './sending/message.entity';
import { Tenant } from './tenants/tenant.entity';

/** Every entity the ORM maps. */
export const ENTITIES = [Account, Tenant, Domain, SenderIdentity, Template, ApiToken, User, Membership, Session, SystemEmail, Message, ActivityEvent, BulkSend, IdempotencyRecord];
