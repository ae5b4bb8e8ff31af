/**
 * Every entity the ORM maps, for tools that load the compiled modules directly (the performance peer's
 * fallback seeding loads `dist/src/modules/entities`). The list itself comes from the feature manifests.
 */
export { ENTITIES } from './modules';
