import { registerEnumType } from 'type-graphql';

/** What a principal may do. API tokens carry a list; member roles map to one. */
export enum Permission {
  DOMAINS_READ = 'DOMAINS_READ',
  DOMAINS_MANAGE = 'DOMAINS_MANAGE',
  IDENTITIES_READ = 'IDENTITIES_READ',
  IDENTITIES_MANAGE = 'IDENTITIES_MANAGE',
  TEMPLATES_READ = 'TEMPLATES_READ',
  TEMPLATES_MANAGE = 'TEMPLATES_MANAGE',
  TOKENS_MANAGE = 'TOKENS_MANAGE',
  MEMBERS_MANAGE = 'MEMBERS_MANAGE',
  EMAIL_SEND = 'EMAIL_SEND',
  ACTIVITY_READ = 'ACTIVITY_READ',
  ACTIVITY_CONTENT_READ = 'ACTIVITY_CONTENT_READ',
  ANALYTICS_READ = 'ANALYTICS_READ',
  WEBHOOKS_READ = 'WEBHOOKS_READ',
  WEBHOOKS_MANAGE = 'WEBHOOKS_MANAGE',
  SUPPRESSIONS_READ = 'SUPPRESSIONS_READ',
  SUPPRESSIONS_MANAGE = 'SUPPRESSIONS_MANAGE',
  LOGS_READ = 'LOGS_READ',
  DMARC_READ = 'DMARC_READ',
  DMARC_MANAGE = 'DMARC_MANAGE',
  BLOCKLIST_READ = 'BLOCKLIST_READ',
  BLOCKLIST_MANAGE = 'BLOCKLIST_MANAGE',
  BILLING_READ = 'BILLING_READ',
  /** Erase one recipient's personal data in a tenant (eraseRecipient) and read the erasure log. */
  DATA_ERASE = 'DATA_ERASE',
}
registerEnumType(Permission, { name: 'Permission', description: 'A permission granted to an API token or a member role.' });

/** Member roles. */
export enum Role {
  ADMIN = 'ADMIN',
  MANAGER = 'MANAGER',
  DESIGNER = 'DESIGNER',
  ACCOUNTANT = 'ACCOUNTANT',
  CUSTOM = 'CUSTOM',
}
registerEnumType(Role, {
  name: 'Role',
  description:
    'A member role: ADMIN (all), MANAGER (all but billing, members and data erasure), DESIGNER (templates, read-only domains), ACCOUNTANT (billing and usage), CUSTOM (explicit permissions).',
});

export const ALL_PERMISSIONS: readonly Permission[] = Object.values(Permission);

// Erasure is irreversible: ADMIN only among the fixed roles (a CUSTOM role or a token may be given it).
const MANAGER = ALL_PERMISSIONS.filter((p) => p !== Permission.BILLING_READ && p !== Permission.MEMBERS_MANAGE && p !== Permission.DATA_ERASE);

/** The permissions a role grants; CUSTOM grants the membership's explicit list. */
export function rolePermissionsFor(role: Role, custom: readonly Permission[]): Permission[] {
  switch (role) {
    case Role.ADMIN:
      return [...ALL_PERMISSIONS];
    case Role.MANAGER:
      return [...MANAGER];
    case Role.DESIGNER:
      return [Permission.TEMPLATES_READ, Permission.TEMPLATES_MANAGE, Permission.DOMAINS_READ];
    case Role.ACCOUNTANT:
      return [Permission.BILLING_READ, Permission.ANALYTICS_READ];
    case Role.CUSTOM:
      return [...new Set(custom)];
  }
}
