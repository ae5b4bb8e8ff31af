import { ApiTokenResolver, ApiTokenScopeResolver } from './api-tokens/api-token.resolver';
import { DomainTemplatesResolver } from './templates/domain-templates.resolver';
import { TemplateResolver } from './templates/template.resolver';
import { MemberResolver } from './members/member.resolver';
import { SessionResolver } from './members/session.resolver';
import { DomainResolver } from './domains/domain.resolver';
import { TenantDomainsResolver } from './domains/tenant-domains.resolver';
import { ActivityResolver } from './activity/activity.resolver';
import { MessageFieldsResolver } from './activity/message-fields';
import { NodeResolver } from './node/node.resolver';
import { TenantResolver } from './tenants/tenant.resolver';
import { ViewerResolver } from './viewer/viewer.resolver';
import { DomainSenderIdentitiesResolver, TenantSenderIdentitiesResolver } from './identities/identity-extensions.resolver';
import { SenderIdentityResolver } from './identities/sender-identity.resolver';
import { SystemEmailResolver } from './mail/system-email.resolver';
import { IngestionResolver } from './ingestion/ingestion.resolver';
import { SendingResolver } from './sending/sending.resolver';

/** Every resolver class in the schema. */
export const RESOLVERS = [ActivityResolver, MessageFieldsResolver, NodeResolver, ViewerResolver, TenantResolver, TemplateResolver, DomainTemplatesResolver, ApiTokenResolver, ApiTokenScopeResolver, MemberResolver, SessionResolver, SenderIdentityResolver, TenantSenderIdentitiesResolver, DomainSenderIdentitiesResolver, SystemEmailResolver, DomainResolver, TenantDomainsResolver, IngestionResolver, SendingResolver];
