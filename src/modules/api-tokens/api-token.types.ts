import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/pagination';
import { ApiToken } from './api-token.entity';

/** A page of API tokens. */
export const ApiTokenConnection = Connection(ApiToken, 'ApiToken');

/** What an API token is limited to. */
export enum ApiTokenScopeKind {
  ACCOUNT = 'ACCOUNT',
  TENANT = 'TENANT',
  DOMAIN = 'DOMAIN',
  SENDER_IDENTITY = 'SENDER_IDENTITY',
}
registerEnumType(ApiTokenScopeKind, {
  name: 'ApiTokenScopeKind',
  description: 'ACCOUNT (everything), TENANT (one client: its domains and identities), DOMAIN (one domain) or SENDER_IDENTITY (one address).',
  valuesConfig: {
    ACCOUNT: { description: 'The whole account: every client, domain and identity.' },
    TENANT: { description: 'One client (tenant): its domains and sender identities.' },
    DOMAIN: { description: 'One domain and what it sends.' },
    SENDER_IDENTITY: { description: 'One sender address on an agency domain.' },
  },
});

/** An API token's scope; the objects are resolved by field resolvers (ApiTokenScopeResolver). */
@ObjectType({ description: 'What an API token is limited to.' })
export class ApiTokenScope {
  @Field(() => ApiTokenScopeKind, { description: 'Kind of scope.' })
  kind!: ApiTokenScopeKind;

  /** Uuid of the tenant (TENANT kind). */
  tenantUuid!: string | null;

  /** Uuid of the domain (DOMAIN kind). */
  domainUuid!: string | null;

  /** Uuid of the sender identity (SENDER_IDENTITY kind). */
  senderIdentityUuid!: string | null;
}

/** Payload of createApiToken. */
@ObjectType({ description: 'Result of createApiToken: the token and its secret, shown only this once.' })
export class CreateApiTokenPayload {
  @Field(() => ApiToken, { description: 'The new token.' })
  apiToken!: ApiToken;

  @Field(() => String, { description: 'The secret to send as `Authorization: Bearer <secret>`. It is shown only here; only its SHA-256 hash is stored.' })
  secret!: string;
}

/** Payload of updateApiToken. */
@ObjectType({ description: 'Result of updateApiToken.' })
export class UpdateApiTokenPayload {
  @Field(() => ApiToken, { description: 'The token after the change.' })
  apiToken!: ApiToken;
}

/** Payload of revokeApiToken. */
@ObjectType({ description: 'Result of revokeApiToken.' })
export class RevokeApiTokenPayload {
  @Field(() => ApiToken, { description: 'The revoked token.' })
  apiToken!: ApiToken;
}
