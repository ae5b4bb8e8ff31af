import { defineModule } from '../module';
import { NodeResolver } from './node.resolver';

/** `node(id)`: loads any type a module lists under `nodeTypes`. */
export const nodeModule = defineModule({ name: 'node', resolvers: [NodeResolver] });
