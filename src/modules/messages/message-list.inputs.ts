import { ArrayMaxSize, IsOptional, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { BulkSendStatus } from '../sending/bulk-send.entity';
import { MessageStatus } from '../sending/message.types';

/** Which messages to list. Every condition narrows; the caller's scope always applies first. */
@InputType({ description: 'Which messages to list; all conditions must hold. Your scope always applies first.' })
export class MessagesFilterInput {
  @Field(() => [MessageStatus], { nullable: true, description: 'Only messages in one of these statuses (e.g. SCHEDULED: the messages waiting for their sendAt).' })
  @IsOptional()
  @ArrayMaxSize(20)
  status?: MessageStatus[] | null;

  @Field(() => ID, { nullable: true, description: 'Only this tenant’s messages.' })
  tenantId?: string | null;

  @Field(() => [ID], { nullable: true, description: 'Only messages sent through these domains (the sending domain).' })
  @IsOptional()
  @ArrayMaxSize(100)
  domainIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Only messages sent as these sender identities.' })
  @IsOptional()
  @ArrayMaxSize(100)
  senderIdentityIds?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Only messages to this recipient address: the whole address, case-insensitive (not a substring).' })
  @IsOptional()
  @MaxLength(254)
  recipient?: string | null;

  @Field(() => String, { nullable: true, description: 'Only messages from this From address: the whole address, case-insensitive.' })
  @IsOptional()
  @MaxLength(254)
  from?: string | null;

  @Field(() => String, { nullable: true, description: 'Only messages whose subject contains this text, case-insensitive (`%` and `_` match themselves).' })
  @IsOptional()
  @MaxLength(998)
  subject?: string | null;

  @Field(() => [String], { nullable: true, description: 'Only messages with at least one of these tags.' })
  @IsOptional()
  @ArrayMaxSize(20)
  tags?: string[] | null;

  @Field(() => ID, { nullable: true, description: 'Only messages of this bulk send.' })
  bulkEmailId?: string | null;

  @Field(() => Date, { nullable: true, description: 'Only messages created at or after this time.' })
  createdFrom?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only messages created before this time.' })
  createdTo?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only scheduled messages due at or after this time.' })
  sendAtFrom?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only scheduled messages due before this time.' })
  sendAtTo?: Date | null;
}

/** Which bulk sends to list. */
@InputType({ description: 'Which bulk sends to list; all conditions must hold. You see your own bulk sends (an account-wide principal: every one of the account).' })
export class BulkEmailsFilterInput {
  @Field(() => [BulkSendStatus], { nullable: true, description: 'Only bulk sends in one of these states.' })
  @IsOptional()
  @ArrayMaxSize(10)
  status?: BulkSendStatus[] | null;

  @Field(() => Date, { nullable: true, description: 'Only bulk sends submitted at or after this time.' })
  createdFrom?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only bulk sends submitted before this time.' })
  createdTo?: Date | null;
}
