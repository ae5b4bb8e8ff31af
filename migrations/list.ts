import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261126000000Initial } from './Migration20261126000000Initial';
import { Migration20261126010000IdentityEmailPerTenant } from './Migration20261126010000IdentityEmailPerTenant';
import { Migration20261126020000Sending } from './Migration20261126020000Sending';
import { Migration20261127000000WorkerPools } from './Migration20261127000000WorkerPools';
import { Migration20261128000000DomainNameClaims } from './Migration20261128000000DomainNameClaims';
import { Migration20261201000000EventConsumers } from './Migration20261201000000EventConsumers';
import { Migration20261201100000PlatformEvents } from './Migration20261201100000PlatformEvents';
import { Migration20261201100100Webhooks } from './Migration20261201100100Webhooks';
import { Migration20261202000000Suppressions } from './Migration20261202000000Suppressions';
import { Migration20261202010000SuppressedMessages } from './Migration20261202010000SuppressedMessages';
import { Migration20261203000000WebhookDispatch } from './Migration20261203000000WebhookDispatch';
import { Migration20261204000000Analytics } from './Migration20261204000000Analytics';
import { Migration20261205000000Retention } from './Migration20261205000000Retention';
import { Migration20261205010000Erasures } from './Migration20261205010000Erasures';
import { Migration20261206000000Blocklist } from './Migration20261206000000Blocklist';
import { Migration20261206100000DmarcMonitoring } from './Migration20261206100000DmarcMonitoring';
import { Migration20261207100000SandboxDomains } from './Migration20261207100000SandboxDomains';
import { Migration20261207000000RequestLogsAudit } from './Migration20261207000000RequestLogsAudit';
import { Migration20261208000000DomainHealth } from './Migration20261208000000DomainHealth';
import { Migration20261208100000MessageLists } from './Migration20261208100000MessageLists';
import { Migration20261208200000SmtpUsers } from './Migration20261208200000SmtpUsers';

/** Every migration, in order. A new migration must be added here. */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261126000000Initial', class: Migration20261126000000Initial },
  { name: 'Migration20261126010000IdentityEmailPerTenant', class: Migration20261126010000IdentityEmailPerTenant },
  { name: 'Migration20261126020000Sending', class: Migration20261126020000Sending },
  { name: 'Migration20261127000000WorkerPools', class: Migration20261127000000WorkerPools },
  { name: 'Migration20261128000000DomainNameClaims', class: Migration20261128000000DomainNameClaims },
  { name: 'Migration20261201000000EventConsumers', class: Migration20261201000000EventConsumers },
  { name: 'Migration20261201100000PlatformEvents', class: Migration20261201100000PlatformEvents },
  { name: 'Migration20261201100100Webhooks', class: Migration20261201100100Webhooks },
  { name: 'Migration20261202000000Suppressions', class: Migration20261202000000Suppressions },
  { name: 'Migration20261202010000SuppressedMessages', class: Migration20261202010000SuppressedMessages },
  { name: 'Migration20261203000000WebhookDispatch', class: Migration20261203000000WebhookDispatch },
  { name: 'Migration20261204000000Analytics', class: Migration20261204000000Analytics },
  { name: 'Migration20261205000000Retention', class: Migration20261205000000Retention },
  { name: 'Migration20261205010000Erasures', class: Migration20261205010000Erasures },
  { name: 'Migration20261206000000Blocklist', class: Migration20261206000000Blocklist },
  { name: 'Migration20261206100000DmarcMonitoring', class: Migration20261206100000DmarcMonitoring },
  { name: 'Migration20261207100000SandboxDomains', class: Migration20261207100000SandboxDomains },
  { name: 'Migration20261207000000RequestLogsAudit', class: Migration20261207000000RequestLogsAudit },
  { name: 'Migration20261208000000DomainHealth', class: Migration20261208000000DomainHealth },
  { name: 'Migration20261208100000MessageLists', class: Migration20261208100000MessageLists },
  { name: 'Migration20261208200000SmtpUsers', class: Migration20261208200000SmtpUsers },
];
