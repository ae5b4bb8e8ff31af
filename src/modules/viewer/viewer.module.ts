import { defineModule } from '../module';
import { ViewerResolver } from './viewer.resolver';

/** `viewer`: who the caller is and what it may do. */
export const viewerModule = defineModule({ name: 'viewer', resolvers: [ViewerResolver] });
