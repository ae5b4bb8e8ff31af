import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../context';
import { toGlobalId, toSealedGlobalId } from '../../graphql/global-id';
import { type Page, PageArgs } from '../../graphql/pagination';
import { byIdLoader } from '../../graphql/loaders';
import { ActivityEventConnection } from '../activity/activity.types';
import { Domain } from '../domains/domain.entity';
import { recipientEvents, recipientInfo } from './recipient.service';
import { suppressionChanges, type SuppressionChangeItem } from './suppression-events';
import { createExport } from './suppression-export';
import { getSuppressionImport, importSuppressions } from './suppression-import.service';
import { SuppressionImport } from './suppression-import.entity';
import { Suppression } from './suppression.entity';
import { AddSuppressionsInput, ExportSuppressionsInput, ImportSuppressionsInput, RemoveSuppressionsInput, resolveSuppressionFilter, SuppressionFilterInput } from './suppressions.inputs';
import { addSuppressions, listSuppressions, removeSuppressions } from './suppressions.service';
import {
  AddSuppressionsPayload,
  ExportSuppressionsPayload,
  ImportSuppressionsPayload,
  RecipientInfo,
  RemoveSuppressionsPayload,
  SuppressionChange,
  SuppressionConnection,
  SuppressionOrigin,
} from './suppressions.types';

/** Suppression lists: queries, mutations, the live subscription and the entry's own fields. */
@Resolver(() => Suppression)
export class SuppressionResolver {
  @Query(() => SuppressionConnection, { description: 'Suppression entries in your scope, oldest first. Needs SUPPRESSIONS_READ.' })
  suppressions(
    @Args(() => PageArgs) args: PageArgs,
    @Arg('filter', () => SuppressionFilterInput, { nullable: true, description: 'Which entries.' }) filter: SuppressionFilterInput | null,
    @Ctx() ctx: Context,
  ): Promise<Page<Suppression>> {
    return listSuppressions(ctx, args, filter);
  }

  @Query(() => SuppressionImport, { description: 'A CSV import you started, with its progress. Needs SUPPRESSIONS_MANAGE.' })
  suppressionImport(@Arg('id', () => ID, { description: 'Global id of the import.' }) id: string, @Ctx() ctx: Context): Promise<SuppressionImport> {
    return getSuppressionImport(ctx, id);
  }

  @Query(() => RecipientInfo, { description: 'One recipient: its entries in your scope and its last events. Needs SUPPRESSIONS_READ (events: ACTIVITY_READ).' })
  recipient(
    @Arg('email', () => String, { description: 'The address.' }) email: string,
    @Arg('domainId', () => ID, { nullable: true, description: 'Only this domain (and the account-wide blocklist).' }) domainId: string | null,
    @Ctx() ctx: Context,
  ): Promise<RecipientInfo> {
    return recipientInfo(ctx, email, domainId);
  }

  @Mutation(() => AddSuppressionsPayload, {
    description: 'Adds addresses (BLOCKLIST: also @domains and * patterns) to a list of a domain, or to the account-wide blocklist. Needs SUPPRESSIONS_MANAGE.',
  })
  async addSuppressions(@Arg('input', () => AddSuppressionsInput) input: AddSuppressionsInput, @Ctx() ctx: Context): Promise<AddSuppressionsPayload> {
    return { suppressions: await addSuppressions(ctx, input) };
  }

  @Mutation(() => RemoveSuppressionsPayload, { description: 'Removes entries in your scope by id, or all of a list and/or domain. Needs SUPPRESSIONS_MANAGE.' })
  async removeSuppressions(@Arg('input', () => RemoveSuppressionsInput) input: RemoveSuppressionsInput, @Ctx() ctx: Context): Promise<RemoveSuppressionsPayload> {
    return { removedCount: await removeSuppressions(ctx, input) };
  }

  @Mutation(() => ImportSuppressionsPayload, { description: 'Imports a CSV of addresses into a list, in the background with progress. Needs SUPPRESSIONS_MANAGE.' })
  async importSuppressions(@Arg('input', () => ImportSuppressionsInput) input: ImportSuppressionsInput, @Ctx() ctx: Context): Promise<ImportSuppressionsPayload> {
    return { import: await importSuppressions(ctx, input) };
  }

  @Mutation(() => ExportSuppressionsPayload, { description: 'A signed link, valid for an hour, to the CSV of the entries you may read. Needs SUPPRESSIONS_READ.' })
  exportSuppressions(@Arg('input', () => ExportSuppressionsInput) input: ExportSuppressionsInput, @Ctx() ctx: Context): ExportSuppressionsPayload {
    return createExport(ctx, input);
  }

  @Subscription(() => SuppressionChange, {
    name: 'suppressionChanged',
    description: 'Streams entries added to or removed from the lists in your scope the moment they commit. Needs SUPPRESSIONS_READ.',
    subscribe: ({ args, context }) => suppressionChanges(context as Context, resolveSuppressionFilter((args as { filter?: SuppressionFilterInput | null }).filter)),
  })
  suppressionChanged(
    @Root() item: SuppressionChangeItem,
    @Arg('filter', () => SuppressionFilterInput, { nullable: true, description: 'Which entries (query is ignored here).' }) _filter?: SuppressionFilterInput | null,
  ): SuppressionChange {
    return { kind: item.kind, suppressionId: toGlobalId('Suppression', item.id), list: item.list, domainId: item.domainId ? toGlobalId('Domain', item.domainId) : null, suppression: item.suppression };
  }

  @FieldResolver(() => Domain, { nullable: true, description: 'The domain; null for the account-wide blocklist (or a domain outside your scope).' })
  domain(@Root() s: Suppression, @Ctx() ctx: Context): Promise<Domain | null> | null {
    return s.domain ? byIdLoader(ctx, Domain).load(s.domain.id) : null;
  }

  @FieldResolver(() => SuppressionOrigin, { nullable: true, description: 'The event the entry came from (EVENT entries).' })
  origin(@Root() s: Suppression, @Ctx() ctx: Context): SuppressionOrigin | null {
    if (!s.originEventId && !s.originMessageId) return null;
    return {
      eventId: s.originEventId ? toSealedGlobalId(ctx.config.secret, 'ActivityEvent', s.account.id, s.originEventId) : null,
      messageId: s.originMessageId ? toGlobalId('Message', s.originMessageId) : null,
      diagnostic: s.originDiagnostic,
    };
  }
}

/** The recipient's last events. */
@Resolver(() => RecipientInfo)
export class RecipientInfoResolver {
  @FieldResolver(() => ActivityEventConnection, { nullable: true, description: 'Its last events in your scope, newest first. Needs ACTIVITY_READ.' })
  events(
    @Root() info: RecipientInfo,
    @Arg('first', () => Int, { nullable: true, defaultValue: 10, description: 'How many (1–100).' }) first: number,
    @Ctx() ctx: Context,
  ): Promise<ActivityEventConnection> {
    return recipientEvents(ctx, info, first);
  }
}
