/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar. */
  DateTime: { input: string; output: string; }
};

/** An agency account. */
export type Account = Node & {
  __typename?: 'Account';
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Opaque global id. */
  id: Scalars['ID']['output'];
  /** Display name of the account. */
  name: Scalars['String']['output'];
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

/** An API token: a permission list and a scope (account, tenant, domain or sender identity). */
export type ApiToken = Node & {
  __typename?: 'ApiToken';
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** When the token stops working. */
  expiresAt?: Maybe<Scalars['DateTime']['output']>;
  /** Opaque global id. */
  id: Scalars['ID']['output'];
  /** When the token last authenticated a request. */
  lastUsedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Name to recognise the token by. */
  name: Scalars['String']['output'];
  /** When the token was paused; null when not paused. */
  pausedAt?: Maybe<Scalars['DateTime']['output']>;
  /** What the token may do. */
  permissions: Array<Permission>;
  /** The first and last characters of the secret, to recognise it. */
  preview: Scalars['String']['output'];
  /** When the token was revoked; revocation is final. */
  revokedAt?: Maybe<Scalars['DateTime']['output']>;
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

/** A new client. */
export type CreateTenantInput = {
  /** Display name (1–200 characters). */
  name: Scalars['String']['input'];
  /** Unique short tag: lower-case letters, digits, `-` and `_`, up to 63 characters. */
  tag: Scalars['String']['input'];
};

/** Which client to delete. */
export type DeleteTenantInput = {
  /** Also delete its domains, sender identities, templates and tokens. Without it, a tenant that has any is refused. */
  force?: InputMaybe<Scalars['Boolean']['input']>;
  /** The tenant. */
  id: Scalars['ID']['input'];
};

/** What was deleted. */
export type DeleteTenantPayload = {
  __typename?: 'DeleteTenantPayload';
  /** Global id of the deleted tenant. */
  deletedTenantId: Scalars['ID']['output'];
};

/** A DNS record to publish for a domain, with the result of the last check. */
export type DnsRecord = {
  __typename?: 'DnsRecord';
  /** The values found at the hostname in the last check. */
  found: Array<Scalars['String']['output']>;
  /** Fully-qualified host name of the record. */
  hostname: Scalars['String']['output'];
  /** What the record is for. */
  kind: DnsRecordKind;
  /** What is wrong, in words, when not VERIFIED. */
  note?: Maybe<Scalars['String']['output']>;
  /** MX priority; null for other types. */
  priority?: Maybe<Scalars['Int']['output']>;
  /** Whether the domain needs this record to be VERIFIED (SPF, DKIM, Return-Path). */
  required: Scalars['Boolean']['output'];
  /** Outcome of the last check. */
  status: DnsRecordStatus;
  /** For SPF: the single merged record to publish instead of what was found. */
  suggestedValue?: Maybe<Scalars['String']['output']>;
  /** Record type: TXT, CNAME or MX. */
  type: Scalars['String']['output'];
  /** The value to publish. */
  value: Scalars['String']['output'];
};

/** The purpose of a DNS record. */
export type DnsRecordKind =
  | 'DKIM'
  | 'INBOUND_MX'
  | 'RETURN_PATH'
  | 'SPF'
  | 'TRACKING';

/** PENDING (not checked yet), VERIFIED, MISSING (no such record) or MISMATCH (a record exists with another value). */
export type DnsRecordStatus =
  | 'MISMATCH'
  | 'MISSING'
  | 'PENDING'
  | 'VERIFIED';

/** A sending domain and the DNS records that authenticate it. */
export type Domain = Node & {
  __typename?: 'Domain';
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** DKIM selector; the key is published at `<selector>._domainkey.<name>`. */
  dkimSelector: Scalars['String']['output'];
  /** The records to publish, with the last check’s result for each. */
  dnsRecords: Array<DnsRecord>;
  /** Opaque global id. */
  id: Scalars['ID']['output'];
  /** Inbound subdomain, when inbound routing is on. */
  inboundSubdomain?: Maybe<Scalars['String']['output']>;
  /** When the records were last checked. */
  lastCheckedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The domain name, lower case, IDNs in punycode. */
  name: Scalars['String']['output'];
  /** Automatic re-checks of a pending domain run until this time. */
  recheckUntil: Scalars['DateTime']['output'];
  /** Return-Path subdomain (default `mr`). */
  returnPathSubdomain: Scalars['String']['output'];
  /** Verification status. */
  status: DomainStatus;
  /** Tracking subdomain, when custom tracking is on. */
  trackingSubdomain?: Maybe<Scalars['String']['output']>;
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
  /** When the domain first became VERIFIED. */
  verifiedAt?: Maybe<Scalars['DateTime']['output']>;
};

/** PENDING until SPF, DKIM and Return-Path match; FAILED when the automatic re-check window ended without that. */
export type DomainStatus =
  | 'FAILED'
  | 'PENDING'
  | 'VERIFIED';

/** A user’s membership in the account. */
export type Member = Node & {
  __typename?: 'Member';
  /** When the invitation was accepted. */
  acceptedAt?: Maybe<Scalars['DateTime']['output']>;
  /** Whether the member can access every domain. */
  allDomains: Scalars['Boolean']['output'];
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** For CUSTOM: the explicit permissions. Empty for other roles. */
  customPermissions: Array<Permission>;
  /** Opaque global id. */
  id: Scalars['ID']['output'];
  /** The role. */
  role: Role;
  /** Invitation status. */
  status: MemberStatus;
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

/** INVITED until the invitation is accepted. */
export type MemberStatus =
  | 'ACTIVE'
  | 'INVITED';

export type Mutation = {
  __typename?: 'Mutation';
  /** Adds a client. Needs DOMAINS_MANAGE and an account-wide principal. */
  createTenant: TenantPayload;
  /** Deletes a client; refused while it has domains or identities unless force is true. */
  deleteTenant: DeleteTenantPayload;
  /** Renames or re-tags a client. */
  updateTenant: TenantPayload;
};


export type MutationCreateTenantArgs = {
  input: CreateTenantInput;
};


export type MutationDeleteTenantArgs = {
  input: DeleteTenantInput;
};


export type MutationUpdateTenantArgs = {
  input: UpdateTenantInput;
};

/** An object with a globally unique, opaque id. */
export type Node = {
  /** Opaque global id. */
  id: Scalars['ID']['output'];
};

/** Pagination state of a connection. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last item; pass as `after` for the next page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** Whether more items follow. */
  hasNextPage: Scalars['Boolean']['output'];
  /** Whether items precede this page (true when `after` was given). */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** Cursor of the first item. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

/** A permission granted to an API token or a member role. */
export type Permission =
  | 'ACTIVITY_CONTENT_READ'
  | 'ACTIVITY_READ'
  | 'ANALYTICS_READ'
  | 'BILLING_READ'
  | 'BLOCKLIST_MANAGE'
  | 'BLOCKLIST_READ'
  | 'DMARC_MANAGE'
  | 'DMARC_READ'
  | 'DOMAINS_MANAGE'
  | 'DOMAINS_READ'
  | 'EMAIL_SEND'
  | 'IDENTITIES_MANAGE'
  | 'IDENTITIES_READ'
  | 'LOGS_READ'
  | 'MEMBERS_MANAGE'
  | 'SUPPRESSIONS_MANAGE'
  | 'SUPPRESSIONS_READ'
  | 'TEMPLATES_MANAGE'
  | 'TEMPLATES_READ'
  | 'TOKENS_MANAGE'
  | 'WEBHOOKS_MANAGE'
  | 'WEBHOOKS_READ';

/** Who is calling: a logged-in member, an API token, or nobody. */
export type PrincipalKind =
  | 'API_TOKEN'
  | 'MEMBER'
  | 'PUBLIC';

export type Query = {
  __typename?: 'Query';
  /** Any object by global id; null when it does not exist or is outside your scope. */
  node?: Maybe<Node>;
  /** One client by id. */
  tenant: Tenant;
  /** Clients in your scope. */
  tenants: TenantConnection;
  /** Who is calling. Works for the public too. */
  viewer: Viewer;
};


export type QueryNodeArgs = {
  id: Scalars['ID']['input'];
};


export type QueryTenantArgs = {
  id: Scalars['ID']['input'];
};


export type QueryTenantsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** A member role: ADMIN (all), MANAGER (all but billing and members), DESIGNER (templates, read-only domains), ACCOUNTANT (billing and usage), CUSTOM (explicit permissions). */
export type Role =
  | 'ACCOUNTANT'
  | 'ADMIN'
  | 'CUSTOM'
  | 'DESIGNER'
  | 'MANAGER';

/** A client's e-mail address that sends through one of the agency's domains. */
export type SenderIdentity = Node & {
  __typename?: 'SenderIdentity';
  /** When the last confirmation e-mail was sent. */
  confirmationSentAt?: Maybe<Scalars['DateTime']['output']>;
  /** When the owner confirmed the address. */
  confirmedAt?: Maybe<Scalars['DateTime']['output']>;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** The DMARC policy (`p=`) the address's own domain published when last checked. */
  dmarcPolicy?: Maybe<Scalars['String']['output']>;
  /** The address mail is sent from (lower case, punycode domain). */
  email: Scalars['String']['output'];
  /** Opaque global id. */
  id: Scalars['ID']['output'];
  /** Display name. */
  name?: Maybe<Scalars['String']['output']>;
  /** A note included in the confirmation e-mail. */
  personalNote?: Maybe<Scalars['String']['output']>;
  /** Reply-To address. */
  replyToEmail?: Maybe<Scalars['String']['output']>;
  /** Reply-To display name. */
  replyToName?: Maybe<Scalars['String']['output']>;
  /** Confirmation status. */
  status: SenderIdentityStatus;
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

/** PENDING until the address owner follows the confirmation link. */
export type SenderIdentityStatus =
  | 'CONFIRMED'
  | 'PENDING';

/** A system e-mail the platform sent (sender confirmations, member invitations). */
export type SystemEmail = Node & {
  __typename?: 'SystemEmail';
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Opaque global id. */
  id: Scalars['ID']['output'];
  /** Why it was sent. */
  kind: SystemEmailKind;
  /** The Message-ID header. */
  messageId: Scalars['String']['output'];
  /** The full MIME message. */
  raw: Scalars['String']['output'];
  /** Subject. */
  subject: Scalars['String']['output'];
  /** Plain-text body. */
  text: Scalars['String']['output'];
  /** Recipient address. */
  toEmail: Scalars['String']['output'];
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

/** The purpose of a system e-mail. */
export type SystemEmailKind =
  | 'MEMBER_INVITATION'
  | 'SENDER_CONFIRMATION';

/** An e-mail template (Liquid syntax) scoped to one domain. */
export type Template = Node & {
  __typename?: 'Template';
  /** Categories for grouping. */
  categories: Array<Scalars['String']['output']>;
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Free-text description. */
  description?: Maybe<Scalars['String']['output']>;
  /** Default From address. */
  fromEmail?: Maybe<Scalars['String']['output']>;
  /** Default From name. */
  fromName?: Maybe<Scalars['String']['output']>;
  /** HTML body (Liquid). */
  html?: Maybe<Scalars['String']['output']>;
  /** Opaque global id. */
  id: Scalars['ID']['output'];
  /** Name shown in lists. */
  name: Scalars['String']['output'];
  /** Default Reply-To address. */
  replyToEmail?: Maybe<Scalars['String']['output']>;
  /** Default Reply-To name. */
  replyToName?: Maybe<Scalars['String']['output']>;
  /** Subject (Liquid). */
  subject: Scalars['String']['output'];
  /** Tags applied to mail sent with this template. */
  tags: Array<Scalars['String']['output']>;
  /** Plain-text body (Liquid). */
  text?: Maybe<Scalars['String']['output']>;
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
  /** Variables the subject and bodies use, e.g. `user.name`. */
  variables: Array<Scalars['String']['output']>;
};

/** One of the agency's clients. */
export type Tenant = Node & {
  __typename?: 'Tenant';
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Opaque global id. */
  id: Scalars['ID']['output'];
  /** Display name. */
  name: Scalars['String']['output'];
  /** Short unique tag, used to tag the tenant’s mail and activity. */
  tag: Scalars['String']['output'];
  /** When it last changed. */
  updatedAt: Scalars['DateTime']['output'];
};

/** A page of Tenant items. */
export type TenantConnection = {
  __typename?: 'TenantConnection';
  /** The items with their cursors. */
  edges: Array<TenantEdge>;
  /** Pagination state. */
  pageInfo: PageInfo;
  /** How many items match, over all pages. */
  totalCount: Scalars['Int']['output'];
};

/** An edge to a Tenant. */
export type TenantEdge = {
  __typename?: 'TenantEdge';
  /** Opaque cursor of this item. */
  cursor: Scalars['String']['output'];
  /** The Tenant. */
  node: Tenant;
};

/** The tenant after the change. */
export type TenantPayload = {
  __typename?: 'TenantPayload';
  /** The tenant. */
  tenant: Tenant;
};

/** Changes to a client. */
export type UpdateTenantInput = {
  /** The tenant. */
  id: Scalars['ID']['input'];
  /** New display name. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** New tag. */
  tag?: InputMaybe<Scalars['String']['input']>;
};

/** The caller: kind, account, role or token name, permissions and scope. */
export type Viewer = {
  __typename?: 'Viewer';
  /** The account acted in; null for the public. */
  account?: Maybe<Account>;
  /** The member’s e-mail address. */
  email?: Maybe<Scalars['String']['output']>;
  /** Kind of principal. */
  kind: PrincipalKind;
  /** Granted permissions. */
  permissions: Array<Permission>;
  /** The member’s role. */
  role?: Maybe<Role>;
  /** Scope; null for the public. */
  scope?: Maybe<ViewerScope>;
  /** The API token’s name. */
  tokenName?: Maybe<Scalars['String']['output']>;
};

/** What the caller can see. */
export type ViewerScope = {
  __typename?: 'ViewerScope';
  /** True when the caller sees the whole account. */
  allDomains: Scalars['Boolean']['output'];
  /** Domains in scope (empty when allDomains). */
  domains: Array<Domain>;
  /** Sender identities in scope by themselves (an identity-scoped token). */
  senderIdentities: Array<SenderIdentity>;
  /** Global ids of the only templates the caller sees, when limited to a list. */
  templateIds?: Maybe<Array<Scalars['String']['output']>>;
  /** Tenants wholly in scope (a tenant-scoped token). */
  tenants: Array<Tenant>;
};

/** A new client. */
export type CreateTenantInput = {
  /** Display name (1–200 characters). */
  name: string;
  /** Unique short tag: lower-case letters, digits, `-` and `_`, up to 63 characters. */
  tag: string;
};

/** Which client to delete. */
export type DeleteTenantInput = {
  /** Also delete its domains, sender identities, templates and tokens. Without it, a tenant that has any is refused. */
  force?: boolean | null | undefined;
  /** The tenant. */
  id: string | number;
};

/** A permission granted to an API token or a member role. */
export type Permission =
  | 'ACTIVITY_CONTENT_READ'
  | 'ACTIVITY_READ'
  | 'ANALYTICS_READ'
  | 'BILLING_READ'
  | 'BLOCKLIST_MANAGE'
  | 'BLOCKLIST_READ'
  | 'DMARC_MANAGE'
  | 'DMARC_READ'
  | 'DOMAINS_MANAGE'
  | 'DOMAINS_READ'
  | 'EMAIL_SEND'
  | 'IDENTITIES_MANAGE'
  | 'IDENTITIES_READ'
  | 'LOGS_READ'
  | 'MEMBERS_MANAGE'
  | 'SUPPRESSIONS_MANAGE'
  | 'SUPPRESSIONS_READ'
  | 'TEMPLATES_MANAGE'
  | 'TEMPLATES_READ'
  | 'TOKENS_MANAGE'
  | 'WEBHOOKS_MANAGE'
  | 'WEBHOOKS_READ';

/** Who is calling: a logged-in member, an API token, or nobody. */
export type PrincipalKind =
  | 'API_TOKEN'
  | 'MEMBER'
  | 'PUBLIC';

/** A member role: ADMIN (all), MANAGER (all but billing and members), DESIGNER (templates, read-only domains), ACCOUNTANT (billing and usage), CUSTOM (explicit permissions). */
export type Role =
  | 'ACCOUNTANT'
  | 'ADMIN'
  | 'CUSTOM'
  | 'DESIGNER'
  | 'MANAGER';

/** Changes to a client. */
export type UpdateTenantInput = {
  /** The tenant. */
  id: string | number;
  /** New display name. */
  name?: string | null | undefined;
  /** New tag. */
  tag?: string | null | undefined;
};

export type CreateTenantMutationVariables = Exact<{
  input: CreateTenantInput;
}>;


export type CreateTenantMutation = { createTenant: { tenant: { id: string, name: string, tag: string, createdAt: string } } };

export type UpdateTenantMutationVariables = Exact<{
  input: UpdateTenantInput;
}>;


export type UpdateTenantMutation = { updateTenant: { tenant: { id: string, name: string, tag: string } } };

export type DeleteTenantMutationVariables = Exact<{
  input: DeleteTenantInput;
}>;


export type DeleteTenantMutation = { deleteTenant: { deletedTenantId: string } };

export type TenantsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type TenantsQuery = { tenants: { totalCount: number, edges: Array<{ cursor: string, node: { id: string, name: string, tag: string } }>, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null } } };

export type TenantQueryVariables = Exact<{
  id: string | number;
}>;


export type TenantQuery = { tenant: { id: string, name: string, tag: string } };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { kind: PrincipalKind, role: Role | null, tokenName: string | null, email: string | null, permissions: Array<Permission>, account: { id: string, name: string } | null, scope: { allDomains: boolean, templateIds: Array<string> | null, tenants: Array<{ id: string }>, domains: Array<{ id: string }>, senderIdentities: Array<{ id: string }> } | null } };


export const CreateTenantDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateTenant"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateTenantInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createTenant"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tenant"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"tag"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]}}]}}]} as unknown as DocumentNode<CreateTenantMutation, CreateTenantMutationVariables>;
export const UpdateTenantDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateTenant"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateTenantInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateTenant"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tenant"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"tag"}}]}}]}}]}}]} as unknown as DocumentNode<UpdateTenantMutation, UpdateTenantMutationVariables>;
export const DeleteTenantDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteTenant"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DeleteTenantInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteTenant"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deletedTenantId"}}]}}]}}]} as unknown as DocumentNode<DeleteTenantMutation, DeleteTenantMutationVariables>;
export const TenantsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Tenants"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tenants"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"tag"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<TenantsQuery, TenantsQueryVariables>;
export const TenantDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Tenant"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tenant"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"tag"}}]}}]}}]} as unknown as DocumentNode<TenantQuery, TenantQueryVariables>;
export const ViewerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"tokenName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"permissions"}},{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"scope"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"allDomains"}},{"kind":"Field","name":{"kind":"Name","value":"tenants"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"domains"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"senderIdentities"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"templateIds"}}]}}]}}]}}]} as unknown as DocumentNode<ViewerQuery, ViewerQueryVariables>;