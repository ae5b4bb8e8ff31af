import type { HttpRoute } from '../http/routes';
import { dnsInstructionsRoute } from './domains/dns-instructions.route';
import { CONFIRM_SENDER_ROUTES } from './identities/confirm-sender.routes';
import { TRACKING_ROUTES } from './tracking/tracking.routes';

/** Plain HTTP routes modules add (public links). */
export const HTTP_ROUTES: HttpRoute[] = [...CONFIRM_SENDER_ROUTES, dnsInstructionsRoute, ...TRACKING_ROUTES];
