import type { HttpRoute } from '../http/routes';

/** Plain HTTP routes modules add (public links). */
export const HTTP_ROUTES: HttpRoute[] = [];
