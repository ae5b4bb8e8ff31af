import { registerEnumType } from 'type-graphql';

/** What an alert reports. */
export enum BlocklistAlertKind {
  LISTED = 'LISTED',
  DELISTED = 'DELISTED',
  ZONE_UNHEALTHY = 'ZONE_UNHEALTHY',
}
registerEnumType(BlocklistAlertKind, {
  name: 'BlocklistAlertKind',
  description: 'LISTED (an address newly listed in a zone), DELISTED (no longer listed), ZONE_UNHEALTHY (a zone failed its self-test or answered an error: its answers do not count).',
  valuesConfig: {
    LISTED: { description: 'The address was newly found listed in a zone.' },
    DELISTED: { description: 'The address is no longer listed in a zone it was listed in.' },
    ZONE_UNHEALTHY: { description: 'A zone failed its self-test or answered an error code: its answers were not counted.' },
  },
});

/** What a zone lists. */
export enum BlocklistZoneKind {
  IP = 'IP',
  DOMAIN = 'DOMAIN',
}
registerEnumType(BlocklistZoneKind, {
  name: 'BlocklistZoneKind',
  description: 'IP (addresses, as reversed octets or nibbles) or DOMAIN (names), as RFC 5782 says.',
  valuesConfig: {
    IP: { description: 'The zone lists IP addresses (queried as reversed octets or nibbles).' },
    DOMAIN: { description: 'The zone lists domain names.' },
  },
});

/** How a zone fared in a check. */
export enum BlocklistZoneStatus {
  HEALTHY = 'HEALTHY',
  UNHEALTHY = 'UNHEALTHY',
}
registerEnumType(BlocklistZoneStatus, {
  name: 'BlocklistZoneStatus',
  description: 'HEALTHY (passed its self-test, answered every lookup) or UNHEALTHY (failed its self-test or answered an error code: reported neither as listed nor as clean).',
  valuesConfig: {
    HEALTHY: { description: 'The zone passed its self-test and answered every lookup.' },
    UNHEALTHY: { description: 'The zone failed its self-test or answered an error code: reported neither as listed nor as clean.' },
  },
});
