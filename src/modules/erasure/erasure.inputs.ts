import { Field, ID, InputType } from 'type-graphql';

/** Input of eraseRecipient. */
@InputType({ description: 'Whose personal data to erase, and from which client.' })
export class EraseRecipientInput {
  @Field(() => String, { description: 'The recipient address (case does not matter).' })
  email!: string;

  @Field(() => ID, { description: 'The client (tenant) whose data to erase it from; no other client’s data changes.' })
  tenantId!: string;
}
