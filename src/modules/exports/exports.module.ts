import { defineModule } from '../module';
import { activityExportRoute } from './activity-export.route';
import { ExportsResolver } from './exports.resolver';

/** Exports: exportActivity and the route that streams its file. */
export const exportsModule = defineModule({
  name: 'exports',
  resolvers: [ExportsResolver],
  routes: [activityExportRoute],
});
