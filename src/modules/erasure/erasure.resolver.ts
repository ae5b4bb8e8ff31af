import { Arg, Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import type { Row } from '../../db/read-rows';
import { type Page, PageArgs } from '../../graphql/pagination';
import type { ErasureRequest } from './erasure-request.entity';
import { EraseRecipientInput } from './erasure.inputs';
import { eraseRecipient, listErasures } from './erasure.service';
import { EraseRecipientPayload, ErasureRequestConnection } from './erasure.types';

/** eraseRecipient and the erasure log. */
@Resolver()
export class ErasureResolver {
  @Mutation(() => EraseRecipientPayload, {
    description:
      'Erases one recipient’s personal data from one client’s data (GDPR art. 17): the address becomes an `erased-…@erased.invalid` marker on its messages and events, message content and event IP / user agent are cleared, suppression notes cleared (the entry stays, so the address is still not mailed); counts and statuses stay. Recorded in `erasures`. Needs DATA_ERASE and the whole tenant in scope.',
  })
  async eraseRecipient(@Arg('input', () => EraseRecipientInput) input: EraseRecipientInput, @Ctx() ctx: Context): Promise<EraseRecipientPayload> {
    return { erasure: await eraseRecipient(ctx, input) };
  }

  @Query(() => ErasureRequestConnection, { description: 'The erasures done in the account, oldest first. Needs DATA_ERASE and an account-wide principal.' })
  erasures(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context): Promise<Page<Row<ErasureRequest>>> {
    return listErasures(ctx, args);
  }
}
