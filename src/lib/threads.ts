import { Worker, type WorkerOptions } from 'node:worker_threads';
import { SWC_OPTIONS } from './swc-options';

/**
 * Loads a TypeScript entry in a worker thread when Mailroom runs from its sources (the tests): compiled
 * on require with @swc/core (a dev dependency, the compiler the tests use), with the tests' options.
 */
const FROM_SOURCE = `
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');
const options = ${JSON.stringify({ ...SWC_OPTIONS, module: { type: 'commonjs' } })};
require.extensions['.ts'] = (module, filename) => module._compile(transformSync(readFileSync(filename, 'utf8'), { ...options, filename }).code, filename);
require(process.argv[2]);
`;

/**
 * Starts a worker thread running `file`: a compiled `.js` entry as it is, a `.ts` one (running from
 * the sources) through the swc hook above. The thread does not keep the process alive.
 */
export function startThread(file: string, options: WorkerOptions = {}): Worker {
  const worker = file.endsWith('.ts') ? new Worker(FROM_SOURCE, { ...options, eval: true, argv: [file] }) : new Worker(file, options);
  worker.unref();
  return worker;
}
