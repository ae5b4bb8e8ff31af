/**
 * The swc options Mailroom's TypeScript is compiled with when it runs from its sources: by vitest
 * (vitest.config.mts) and in the worker threads it starts then (threads.ts). Data only.
 */
export const SWC_OPTIONS = {
  jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false }, target: 'es2022' },
} as const;
