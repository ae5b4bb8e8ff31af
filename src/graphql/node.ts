import { Field, ID, InterfaceType } from 'type-graphql';
import { ReadsColumns } from './row-columns';

/** Relay Node: every object with an opaque global id. */
@InterfaceType('Node', { description: 'An object with a globally unique, opaque id.', resolveType: (value: { nodeType?: string }) => value.nodeType })
export abstract class Node {
  @Field(() => ID, { name: 'id', description: 'Opaque global id.' })
  @ReadsColumns('id')
  gid!: string;
}
