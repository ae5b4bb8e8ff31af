import { registerEnumType } from 'type-graphql';

/** The breakdowns a report shows and exports besides its totals and series. */
export enum ReportBreakdown {
  COUNTRY = 'COUNTRY',
  CLIENT = 'CLIENT',
  READING_ENVIRONMENT = 'READING_ENVIRONMENT',
  TAG = 'TAG',
  DOMAIN = 'DOMAIN',
  TENANT = 'TENANT',
  SENDER_IDENTITY = 'SENDER_IDENTITY',
  TEMPLATE = 'TEMPLATE',
}
registerEnumType(ReportBreakdown, {
  name: 'ReportBreakdown',
  description: 'A breakdown a saved report shows and exports.',
  valuesConfig: {
    COUNTRY: { description: "Readers' countries (from the IP of opens and clicks)." },
    CLIENT: { description: "Readers' mail clients." },
    READING_ENVIRONMENT: { description: 'Where messages were read: webmail, desktop or mobile.' },
    TAG: { description: 'Message tags.' },
    DOMAIN: { description: 'Sending domains.' },
    TENANT: { description: 'Clients (tenants).' },
    SENDER_IDENTITY: { description: 'Sender identities.' },
    TEMPLATE: { description: 'Templates.' },
  },
});
