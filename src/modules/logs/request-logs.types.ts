import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../../graphql/pagination';
import { PrincipalKind } from '../viewer/viewer.types';

/** How a request log's operation ended. */
export enum RequestOutcome {
  OK = 'OK',
  ERROR = 'ERROR',
}
registerEnumType(RequestOutcome, {
  name: 'RequestOutcome',
  description: 'How an operation ended.',
  valuesConfig: { OK: { description: 'The response carried no errors.' }, ERROR: { description: 'The response carried at least one error (see `codes`).' } },
});

/** Which transport carried an operation. */
export enum RequestTransport {
  HTTP = 'HTTP',
  WS = 'WS',
  REST = 'REST',
  SMTP = 'SMTP',
}
registerEnumType(RequestTransport, {
  name: 'RequestTransport',
  description: 'Which transport carried an operation.',
  valuesConfig: {
    HTTP: { description: 'GraphQL over HTTP (POST or GET /graphql).' },
    WS: { description: 'GraphQL over the WebSocket at /graphql (graphql-transport-ws).' },
    REST: { description: 'The MailerSend-compatible REST API under /v1 (operationName is the method and path, e.g. `POST /v1/email`; fields are the GraphQL operations it ran).' },
    SMTP: {
      description:
        'SMTP submission: one message transaction (DATA after AUTH) of an SMTP user (operationName `SMTP DATA`, a MUTATION with fields `sendEmail`; status is the SMTP reply code; the request is the envelope, never the message), or a recipient refused at RCPT TO (operationName `SMTP RCPT TO`, status 452, the envelope that recipient).',
    },
  },
});

/** The kind of a GraphQL operation. */
export enum OperationType {
  QUERY = 'QUERY',
  MUTATION = 'MUTATION',
  SUBSCRIPTION = 'SUBSCRIPTION',
}
registerEnumType(OperationType, {
  name: 'OperationType',
  description: 'The kind of a GraphQL operation.',
  valuesConfig: {
    QUERY: { description: 'A query (reads).' },
    MUTATION: { description: 'A mutation (changes).' },
    SUBSCRIPTION: { description: 'A subscription (logged once, when it started).' },
  },
});

/** Who made a call (or a change). */
@ObjectType({ description: 'The member, API token or SMTP user that acted.' })
export class LogPrincipal {
  @Field(() => PrincipalKind, { description: 'MEMBER, API_TOKEN or (request logs of SMTP submission) SMTP_USER.' })
  kind!: PrincipalKind;

  @Field(() => ID, { nullable: true, description: 'Global id of the API token (an ApiToken), for a token.' })
  tokenId!: string | null;

  @Field(() => ID, { nullable: true, description: 'Global id of the member (a Member), for a member.' })
  memberId!: string | null;

  @Field(() => ID, { nullable: true, description: 'Global id of the SMTP user (an SmtpUser), for an SMTP user (request logs only).' })
  smtpUserId!: string | null;

  @Field(() => String, { description: 'The token’s name, the member’s label or `SMTP user <name>` at the time.' })
  name!: string;
}

/** One recorded GraphQL operation. */
@ObjectType({ description: 'One GraphQL operation (or REST call, or SMTP message) as it was received and answered (variables and response redacted).' })
export class RequestLog {
  @Field(() => ID, { description: 'Global id (load it again with requestLog(id)).' })
  id!: string;

  @Field(() => Date, { description: 'When the operation arrived.' })
  at!: Date;

  @Field(() => String, { description: 'The request id (the X-Request-Id response header; in INTERNAL_SERVER_ERROR errors).' })
  requestId!: string;

  @Field(() => RequestTransport, { description: 'HTTP, WebSocket, REST or SMTP.' })
  transport!: RequestTransport;

  @Field(() => LogPrincipal, { description: 'Who called.' })
  principal!: LogPrincipal;

  @Field(() => OperationType, { description: 'Query, mutation or subscription.' })
  operationType!: OperationType;

  @Field(() => String, { nullable: true, description: 'The operation’s name, when it had one.' })
  operationName!: string | null;

  @Field(() => [String], { description: 'The root fields called.' })
  fields!: string[];

  @Field(() => RequestOutcome, { description: 'OK, or ERROR with the codes.' })
  outcome!: RequestOutcome;

  @Field(() => [String], { description: 'The error codes of the response (`extensions.code`), each once.' })
  codes!: string[];

  @Field(() => Int, { nullable: true, description: 'The HTTP status (null over WebSocket); for SMTP the reply code (250 queued, 550 refused, 552 too big, 451 rate limited or a temporary failure).' })
  status!: number | null;

  @Field(() => Int, { description: 'Time from receiving the operation to its answer, in milliseconds (SMTP: from the DATA command to the reply).' })
  durationMs!: number;

  @Field(() => Int, { description: 'Size of the response in bytes (SMTP: of the submitted message).' })
  bytes!: number;

  @Field(() => String, { nullable: true, description: 'The client’s IP address.' })
  ip!: string | null;

  @Field(() => String, { nullable: true, description: 'The client’s User-Agent header (SMTP: the host name the client gave in EHLO/HELO).' })
  userAgent!: string | null;

  @Field(() => [ID], { description: 'Global ids of the tenants the call acted in (the caller’s tenant scope and tenants it named).' })
  tenantIds!: string[];

  @Field(() => [ID], { description: 'Global ids of the domains the call named.' })
  domainIds!: string[];

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'The request: the document (literal secrets and message content replaced by [REDACTED]), operationName and redacted variables (a REST call: method, path, query and redacted body; an SMTP message: the envelope `{ mailFrom, rcptTo, rcptCount }`, never its headers, body or attachments). Only in requestLog(id) and requestLogged.',
  })
  request!: Record<string, unknown> | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'The response: data with secrets and message content redacted (only errors when it exceeded 64 KiB), and errors (an SMTP message: `{ reply, messageIds }`, the reply line and the global ids of the messages queued). Only in requestLog(id) and requestLogged.',
  })
  response!: Record<string, unknown> | null;
}

/** A page of request logs. */
export const RequestLogConnection = Connection(RequestLog, 'RequestLog');
