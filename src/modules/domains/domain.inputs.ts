import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { PageArgs } from '../../graphql/pagination';

/** Input of addDomain. */
@InputType({ description: 'A sending domain to add.' })
export class AddDomainInput {
  @Field(() => ID, { nullable: true, description: 'The client the domain belongs to; null for one of the agency’s own domains (account-wide principals only).' })
  tenantId?: string | null;

  @Field(() => String, { description: 'The domain name, e.g. `mail.example.com`. Trimmed, lower-cased; IDNs are converted to punycode.' })
  name!: string;

  @Field(() => String, { nullable: true, defaultValue: 'mr', description: 'Return-Path subdomain: a single DNS label (default `mr`).' })
  returnPathSubdomain?: string | null;

  @Field(() => String, { nullable: true, description: 'Subdomain for custom click and open tracking (a single DNS label); none when null.' })
  trackingSubdomain?: string | null;

  @Field(() => String, { nullable: true, description: 'Subdomain that receives inbound mail (a single DNS label); none when null.' })
  inboundSubdomain?: string | null;
}

/** Input of verifyDomain. */
@InputType({ description: 'Which domain to check now.' })
export class VerifyDomainInput {
  @Field(() => ID, { description: 'The domain.' })
  domainId!: string;
}

/** Input of deleteDomain. */
@InputType({ description: 'Which domain to delete.' })
export class DeleteDomainInput {
  @Field(() => ID, { description: 'The domain. Its sender identities, templates and tokens are deleted with it.' })
  id!: string;
}

/** Input of dnsInstructions. */
@InputType({ description: 'A read-only link to the DNS records of a domain, for whoever manages its DNS.' })
export class DnsInstructionsInput {
  @Field(() => ID, { description: 'The domain.' })
  domainId!: string;

  @Field(() => Int, { nullable: true, defaultValue: 168, description: 'How long the link works, in hours (1–720, default 168).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(720)
  expiresInHours?: number | null;
}

/** Arguments of the domains query. */
@ArgsType()
export class DomainsArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Only the domains of this client.' })
  tenantId?: string | null;
}
