import { Field, ID, ObjectType } from 'type-graphql';
import { Connection } from '../../graphql/pagination';
import { Tenant } from './tenant.entity';

/** A page of tenants. */
export const TenantConnection = Connection(Tenant, 'Tenant');

/** Payload of createTenant and updateTenant. */
@ObjectType({ description: 'The tenant after the change.' })
export class TenantPayload {
  @Field(() => Tenant, { description: 'The tenant.' })
  tenant!: Tenant;
}

/** Payload of deleteTenant. */
@ObjectType({ description: 'What was deleted.' })
export class DeleteTenantPayload {
  @Field(() => ID, { description: 'Global id of the deleted tenant.' })
  deletedTenantId!: string;
}
