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
registerEnumType(Permission, {
  name: 'Permission',
  description: 'A permission granted to an API token or a member role.',
  valuesConfig: {
    DOMAINS_READ: { description: 'Read domains and their DNS records.' },
    DOMAINS_MANAGE: { description: 'Add, verify, change and remove domains.' },
    IDENTITIES_READ: { description: 'Read sender identities.' },
    IDENTITIES_MANAGE: { description: 'Add, confirm and remove sender identities.' },
    TEMPLATES_READ: { description: 'Read templates.' },
    TEMPLATES_MANAGE: { description: 'Create, change and delete templates.' },
    TOKENS_MANAGE: { description: 'Create, change, pause and revoke API tokens (never beyond its own scope and permissions).' },
    MEMBERS_MANAGE: { description: 'Invite members and change or remove their roles.' },
    EMAIL_SEND: { description: 'Send e-mail (sendEmail, bulk sends) and cancel scheduled messages.' },
    ACTIVITY_READ: { description: 'Read messages and their events, and subscribe to activity.' },
    ACTIVITY_CONTENT_READ: { description: 'Read message content (subject, bodies, raw MIME) besides the metadata.' },
    ANALYTICS_READ: { description: 'Read analytics, reports and exports of them.' },
    WEBHOOKS_READ: { description: 'Read webhooks and their deliveries.' },
    WEBHOOKS_MANAGE: { description: 'Create, change, test, replay and delete webhooks.' },
    SUPPRESSIONS_READ: { description: 'Read suppression lists.' },
    SUPPRESSIONS_MANAGE: { description: 'Add, import and remove suppressions.' },
    LOGS_READ: { description: 'Read the request and audit logs.' },
    DMARC_READ: { description: 'Read DMARC reports.' },
    DMARC_MANAGE: { description: 'Set up DMARC monitoring.' },
    BLOCKLIST_READ: { description: 'Read the account-wide blocklist.' },
    BLOCKLIST_MANAGE: { description: 'Add to and remove from the account-wide blocklist.' },
    BILLING_READ: { description: 'Read billing and usage.' },
    DATA_ERASE: { description: "Erase one recipient's personal data in a tenant (eraseRecipient) and read the erasure log." },
  },
});

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
  valuesConfig: {
    ADMIN: { description: 'Everything.' },
    MANAGER: { description: 'Everything but billing, members and data erasure.' },
    DESIGNER: { description: 'Templates, and read-only domains.' },
    ACCOUNTANT: { description: 'Billing and usage.' },
    CUSTOM: { description: 'The explicit permissions given to the membership.' },
  },
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
