import { Field, ID, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/pagination';
import { Domain } from './domain.entity';

/** A page of domains. */
export const DomainConnection = Connection(Domain, 'Domain');

/** Payload of addDomain and verifyDomain. */
@ObjectType({ description: 'The domain after the change.' })
export class DomainPayload {
  @Field(() => Domain, { description: 'The domain, with its DNS records.' })
  domain!: Domain;
}

/** Payload of deleteDomain. */
@ObjectType({ description: 'What was deleted.' })
export class DeleteDomainPayload {
  @Field(() => ID, { description: 'Global id of the deleted domain.' })
  deletedDomainId!: string;
}

/** Payload of dnsInstructions. */
@ObjectType({ description: 'A signed, read-only link to a domain’s DNS records.' })
export class DnsInstructionsPayload {
  @Field(() => String, { description: 'The link. Anyone holding it can see the records (not the keys) until it expires.' })
  url!: string;

  @Field(() => Date, { description: 'When the link stops working.' })
  expiresAt!: Date;

  @Field(() => Domain, { description: 'The domain the link is for.' })
  domain!: Domain;
}
