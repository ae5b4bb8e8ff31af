import { Field, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/pagination';
import { ErasureRequest } from './erasure-request.entity';

/** What eraseRecipient returns. */
@ObjectType({ description: 'The erasure done, as recorded.' })
export class EraseRecipientPayload {
  @Field(() => ErasureRequest, { description: 'The record of what was erased.' })
  erasure!: ErasureRequest;
}

/** A page of erasure records. */
export const ErasureRequestConnection = Connection(ErasureRequest, 'ErasureRequest');
