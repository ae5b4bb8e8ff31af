import { Arg, Args, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Permission } from '../../auth/permissions';
import { scopeAllows } from '../../auth/scope';
import { type Context, requireScope } from '../../context';
import { toGlobalId } from '../../graphql/global-id';
import { byIdLoader } from '../../graphql/loaders';
import type { Page } from '../../graphql/pagination';
import { Domain } from '../domains/domain.entity';
import { SenderIdentity } from '../identities/sender-identity.entity';
import { Tenant } from '../tenants/tenant.entity';
import { ApiToken, ApiTokenStatus } from './api-token.entity';
import { ApiTokensArgs, CreateApiTokenInput, RevokeApiTokenInput, UpdateApiTokenInput } from './api-token.inputs';
import { createApiToken, listApiTokens, revokeApiToken, tokenStatus, updateApiToken } from './api-token.service';
import { ApiTokenConnection, ApiTokenScope, ApiTokenScopeKind, CreateApiTokenPayload, RevokeApiTokenPayload, UpdateApiTokenPayload } from './api-token.types';

/** Queries, mutations and computed fields of API tokens. */
@Resolver(() => ApiToken)
export class ApiTokenResolver {
  @Query(() => ApiTokenConnection, { description: 'API tokens in your scope, oldest first. Needs TOKENS_MANAGE.' })
  apiTokens(@Args(() => ApiTokensArgs) args: ApiTokensArgs, @Ctx() ctx: Context): Promise<Page<ApiToken>> {
    return listApiTokens(ctx, args);
  }

  @Mutation(() => CreateApiTokenPayload, { description: 'Creates an API token within your own scope and permissions; the secret is in the payload only. Needs TOKENS_MANAGE.' })
  createApiToken(@Arg('input', () => CreateApiTokenInput, { description: 'The token.' }) input: CreateApiTokenInput, @Ctx() ctx: Context): Promise<CreateApiTokenPayload> {
    return createApiToken(ctx, input);
  }

  @Mutation(() => UpdateApiTokenPayload, { description: 'Renames, re-permissions, re-dates, pauses or resumes an API token. Needs TOKENS_MANAGE.' })
  async updateApiToken(@Arg('input', () => UpdateApiTokenInput, { description: 'The changes.' }) input: UpdateApiTokenInput, @Ctx() ctx: Context): Promise<UpdateApiTokenPayload> {
    return { apiToken: await updateApiToken(ctx, input) };
  }

  @Mutation(() => RevokeApiTokenPayload, { description: 'Revokes an API token for good, with immediate effect. Needs TOKENS_MANAGE.' })
  async revokeApiToken(@Arg('input', () => RevokeApiTokenInput, { description: 'Which token.' }) input: RevokeApiTokenInput, @Ctx() ctx: Context): Promise<RevokeApiTokenPayload> {
    return { apiToken: await revokeApiToken(ctx, input) };
  }

  @FieldResolver(() => ApiTokenStatus, { description: 'Whether the token works now.' })
  status(@Root() token: ApiToken, @Ctx() ctx: Context): ApiTokenStatus {
    return tokenStatus(ctx, token);
  }

  @FieldResolver(() => ApiTokenScope, { description: 'What the token is limited to.' })
  scope(@Root() token: ApiToken): ApiTokenScope {
    const kind = token.tenant ? ApiTokenScopeKind.TENANT : token.domain ? ApiTokenScopeKind.DOMAIN : token.senderIdentity ? ApiTokenScopeKind.SENDER_IDENTITY : ApiTokenScopeKind.ACCOUNT;
    return { kind, tenantUuid: token.tenant?.id ?? null, domainUuid: token.domain?.id ?? null, senderIdentityUuid: token.senderIdentity?.id ?? null };
  }
}

/** The objects an API token scope points at, loaded in batches through the caller's scope. */
@Resolver(() => ApiTokenScope)
export class ApiTokenScopeResolver {
  @FieldResolver(() => ID, { nullable: true, description: 'Global id of the tenant (TENANT scope).' })
  tenantId(@Root() s: ApiTokenScope): string | null {
    return s.tenantUuid && toGlobalId('Tenant', s.tenantUuid);
  }

  @FieldResolver(() => ID, { nullable: true, description: 'Global id of the domain (DOMAIN scope).' })
  domainId(@Root() s: ApiTokenScope): string | null {
    return s.domainUuid && toGlobalId('Domain', s.domainUuid);
  }

  @FieldResolver(() => ID, { nullable: true, description: 'Global id of the sender identity (SENDER_IDENTITY scope).' })
  senderIdentityId(@Root() s: ApiTokenScope): string | null {
    return s.senderIdentityUuid && toGlobalId('SenderIdentity', s.senderIdentityUuid);
  }

  @FieldResolver(() => Tenant, { nullable: true, description: 'The tenant (TENANT scope); null otherwise or when outside your scope.' })
  tenant(@Root() s: ApiTokenScope, @Ctx() ctx: Context): Promise<Tenant | null> | null {
    return s.tenantUuid ? byIdLoader(ctx, Tenant).load(s.tenantUuid) : null;
  }

  @FieldResolver(() => Domain, { nullable: true, description: 'The domain (DOMAIN scope); null otherwise, when outside your scope, or without DOMAINS_READ.' })
  domain(@Root() s: ApiTokenScope, @Ctx() ctx: Context): Promise<Domain | null> | null {
    if (!s.domainUuid || !scopeAllows(requireScope(ctx), Permission.DOMAINS_READ)) return null;
    return byIdLoader(ctx, Domain).load(s.domainUuid);
  }

  @FieldResolver(() => SenderIdentity, { nullable: true, description: 'The sender identity (SENDER_IDENTITY scope); null otherwise, when outside your scope, or without IDENTITIES_READ.' })
  senderIdentity(@Root() s: ApiTokenScope, @Ctx() ctx: Context): Promise<SenderIdentity | null> | null {
    if (!s.senderIdentityUuid || !scopeAllows(requireScope(ctx), Permission.IDENTITIES_READ)) return null;
    return byIdLoader(ctx, SenderIdentity).load(s.senderIdentityUuid);
  }
}
