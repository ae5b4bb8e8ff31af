import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { Permission } from '../../auth/permissions';
import type { Context } from '../../context';
import type { Row } from '../../db/read-rows';
import type { Page } from '../../graphql/pagination';
import { Tenant } from '../tenants/tenant.entity';
import { createDnsInstructions } from './dns-instructions';
import { verifyDomain } from './domain-check.service';
import { Domain } from './domain.entity';
import { domainStatusChanges } from './domain-events';
import { AddDomainInput, DeleteDomainInput, DnsInstructionsInput, DomainsArgs, VerifyDomainInput } from './domain.inputs';
import { DeleteDomainPayload, DnsInstructionsPayload, DomainConnection, DomainPayload } from './domain.payloads';
import { addDomain, deleteDomain, domainTenant, getDomain, listDomains } from './domain.service';

/** Domain queries, mutations, the domainStatusChanged subscription and `Domain.tenant`; each a single service call. */
@Resolver(() => Domain)
export class DomainResolver {
  @Authorized(Permission.DOMAINS_READ)
  @Query(() => DomainConnection, { description: 'Sending domains in your scope. Needs DOMAINS_READ.' })
  domains(@Args(() => DomainsArgs) args: DomainsArgs, @Ctx() ctx: Context): Promise<Page<Row<Domain>>> {
    return listDomains(ctx, args);
  }

  @Authorized(Permission.DOMAINS_READ)
  @Query(() => Domain, { description: 'One sending domain by id. Needs DOMAINS_READ.' })
  domain(@Arg('id', () => ID, { description: 'Global id.' }) id: string, @Ctx() ctx: Context): Promise<Domain> {
    return getDomain(ctx, id);
  }

  @Authorized(Permission.DOMAINS_MANAGE)
  @Mutation(() => DomainPayload, {
    description:
      'Adds a sending domain with a new DKIM key and the DNS records to publish; it is re-checked automatically while pending. Needs DOMAINS_MANAGE and an account-wide or tenant-scoped principal.',
  })
  async addDomain(@Arg('input', () => AddDomainInput, { description: 'The domain to add.' }) input: AddDomainInput, @Ctx() ctx: Context): Promise<DomainPayload> {
    return { domain: await addDomain(ctx, input) };
  }

  @Authorized(Permission.DOMAINS_MANAGE)
  @Mutation(() => DomainPayload, { description: 'Looks up the domain’s DNS records now and stores the status of each. Needs DOMAINS_MANAGE.' })
  async verifyDomain(@Arg('input', () => VerifyDomainInput, { description: 'The domain to check.' }) input: VerifyDomainInput, @Ctx() ctx: Context): Promise<DomainPayload> {
    return { domain: await verifyDomain(ctx, input) };
  }

  @Authorized(Permission.DOMAINS_MANAGE)
  @Mutation(() => DeleteDomainPayload, { description: 'Deletes a domain with its sender identities, templates and tokens. Needs DOMAINS_MANAGE.' })
  async deleteDomain(@Arg('input', () => DeleteDomainInput, { description: 'The domain to delete.' }) input: DeleteDomainInput, @Ctx() ctx: Context): Promise<DeleteDomainPayload> {
    return { deletedDomainId: await deleteDomain(ctx, input) };
  }

  @Authorized(Permission.DOMAINS_READ)
  @Mutation(() => DnsInstructionsPayload, { description: 'Creates a signed, read-only link to the domain’s DNS records for whoever manages its DNS. Needs DOMAINS_READ.' })
  dnsInstructions(
    @Arg('input', () => DnsInstructionsInput, { description: 'The domain and how long the link works.' }) input: DnsInstructionsInput,
    @Ctx() ctx: Context,
  ): Promise<DnsInstructionsPayload> {
    return createDnsInstructions(ctx, input);
  }

  @Authorized(Permission.DOMAINS_READ)
  @Subscription(() => Domain, {
    description: 'Yields a domain in your scope whenever its verification status changes. Needs DOMAINS_READ.',
    subscribe: ({ args, context }) => domainStatusChanges(context as Context, (args as { domainId?: string | null }).domainId),
  })
  domainStatusChanged(
    @Root() domain: Domain,
    @Arg('domainId', () => ID, { nullable: true, description: 'Only this domain; all domains in your scope when omitted.' }) _domainId?: string | null,
  ): Domain {
    return domain;
  }

  @FieldResolver(() => Tenant, { nullable: true, description: 'The client the domain belongs to; null for an agency domain.' })
  tenant(@Root() domain: Domain, @Ctx() ctx: Context): Promise<Tenant | null> {
    return domainTenant(ctx, domain);
  }
}
