import { Permission } from '../../auth/permissions';
import { defineModule } from '../module';
import { MemberResolver } from './member.resolver';
import { Membership } from './membership.entity';
import { SessionResolver } from './session.resolver';
import { Session } from './session.entity';
import { User } from './user.entity';

/** Members, roles, invitations and login sessions. */
export const membersModule = defineModule({
  name: 'members',
  entities: [User, Membership, Session],
  resolvers: [MemberResolver, SessionResolver],
  nodeTypes: { Member: { entity: Membership, permission: Permission.MEMBERS_MANAGE } },
});
