import { defineModule } from '../module';
import { IngestionResolver } from './ingestion.resolver';

/** recordDeliveryEvents: delivery events reported by outside systems. */
export const ingestionModule = defineModule({ name: 'ingestion', resolvers: [IngestionResolver] });
