import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Permission, Role } from '../../auth/permissions';
import { Account } from '../accounts/account.entity';
import { Domain } from '../domains/domain.entity';
import { SenderIdentity } from '../identities/sender-identity.entity';
import { Tenant } from '../tenants/tenant.entity';

/** Kinds of principal. */
export enum PrincipalKind {
  MEMBER = 'MEMBER',
  API_TOKEN = 'API_TOKEN',
  SMTP_USER = 'SMTP_USER',
  PUBLIC = 'PUBLIC',
}
registerEnumType(PrincipalKind, {
  name: 'PrincipalKind',
  description: 'Who is calling: a logged-in member, an API token, or nobody.',
  valuesConfig: {
    MEMBER: { description: 'A logged-in member (session token).' },
    API_TOKEN: { description: 'An API token.' },
    SMTP_USER: { description: 'An SMTP user submitting mail over SMTP (request logs only: it never calls the GraphQL API, so viewer never tells it).' },
    PUBLIC: { description: 'Nobody: no credential was given.' },
  },
});

/** The principal's scope, as objects. */
@ObjectType({ description: 'What the caller can see.' })
export class ViewerScope {
  @Field(() => Boolean, { description: 'True when the caller sees the whole account.' })
  allDomains!: boolean;

  @Field(() => [Tenant], { description: 'Tenants wholly in scope (a tenant-scoped token).' })
  tenants!: Tenant[];

  @Field(() => [Domain], { description: 'Domains in scope (empty when allDomains).' })
  domains!: Domain[];

  @Field(() => [SenderIdentity], { description: 'Sender identities in scope by themselves (an identity-scoped token).' })
  senderIdentities!: SenderIdentity[];

  @Field(() => [String], { nullable: true, description: 'Global ids of the only templates the caller sees, when limited to a list.' })
  templateIds!: string[] | null;
}

/** Who is calling. */
@ObjectType({ description: 'The caller: kind, account, role or token name, permissions and scope.' })
export class Viewer {
  @Field(() => PrincipalKind, { description: 'Kind of principal.' })
  kind!: PrincipalKind;

  @Field(() => Account, { nullable: true, description: 'The account acted in; null for the public.' })
  account!: Account | null;

  @Field(() => Role, { nullable: true, description: 'The member’s role.' })
  role!: Role | null;

  @Field(() => String, { nullable: true, description: 'The API token’s name.' })
  tokenName!: string | null;

  @Field(() => String, { nullable: true, description: 'The member’s e-mail address.' })
  email!: string | null;

  @Field(() => [Permission], { description: 'Granted permissions.' })
  permissions!: Permission[];

  @Field(() => ViewerScope, { nullable: true, description: 'Scope; null for the public.' })
  scope!: ViewerScope | null;
}
