import { defineModule } from '../module';
import { TRACKING_ROUTES } from './tracking.routes';

/** Open, click and unsubscribe links. */
export const trackingModule = defineModule({ name: 'tracking', routes: TRACKING_ROUTES });
