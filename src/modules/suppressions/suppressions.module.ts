import { defineModule } from '../module';
import { SoftBounce } from './soft-bounce.entity';
import { Suppression } from './suppression.entity';
import { SuppressionImport } from './suppression-import.entity';

/** Suppressions: the lists per domain, the blocklist, the consumer that fills them, import and export. */
export const suppressionsModule = defineModule({
  name: 'suppressions',
  entities: [Suppression, SoftBounce, SuppressionImport],
});
