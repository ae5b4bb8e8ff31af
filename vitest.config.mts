import swc from 'unplugin-swc';
import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';
import { SWC_OPTIONS } from './src/lib/swc-options.js';

const require = createRequire(import.meta.url);

export default defineConfig({
  plugins: [swc.vite(SWC_OPTIONS)],
  // One graphql module for everyone: type-graphql loads the CommonJS build, so must the tests.
  resolve: { alias: { graphql: require.resolve('graphql') } },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
