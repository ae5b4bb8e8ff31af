import { Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../../context';
import { Viewer } from './viewer.types';
import { describeViewer } from './viewer.service';

@Resolver()
export class ViewerResolver {
  @Query(() => Viewer, { description: 'Who is calling. Works for the public too.' })
  viewer(@Ctx() ctx: Context): Promise<Viewer> {
    return describeViewer(ctx);
  }
}
