import { Extensions } from 'type-graphql';

/** The field extension that marks a subscription field as one whose live stream subscribers may share. */
export const SHARED_LIVE = 'sharedLive';

/** What a subscription field declares about sharing (see `sharedLive`). */
export interface SharedLiveExtension {
  /** Arguments whose non-null value makes a stream a subscriber's own (e.g. `after`: a replay from a point). */
  readonly unlessArgs: readonly string[];
}

/**
 * Declares that subscribers of this field with the same document, variables and scope may share one
 * execution per event: its stream, given the same arguments and principal, is the same for whoever
 * subscribes at the same moment and yields only what happens from then on. Arguments named in
 * `unlessArgs` (a replay cursor) make a subscription its own when they are set.
 */
export function SharedLive(unlessArgs: readonly string[] = []): MethodDecorator {
  return Extensions({ [SHARED_LIVE]: { unlessArgs } satisfies SharedLiveExtension });
}
