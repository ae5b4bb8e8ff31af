'use strict';
/**
 * Renders or analyses one Liquid source in a worker thread of the render pool (tinypool). Plain
 * CommonJS that needs only liquidjs, so it loads the same under vitest and from dist.
 * - { kind: 'render', source, variables, limits } → { output } or { error } for a Liquid error;
 * - { kind: 'analyze', source, limits } → { segments } (the variable paths it reads; a dynamic
 *   segment becomes null) or { syntaxError: { message, line, column } }.
 * Messages lose liquidjs's ", line:L, col:C" suffix. Anything else rejects.
 */
const { Liquid, LiquidError } = require('liquidjs');

// templates: {} — includes and layouts resolve in an empty in-memory map, never on the file system.
const engines = new Map();
function engine(parseLimit) {
  let liquid = engines.get(parseLimit);
  if (!liquid) {
    liquid = new Liquid({ templates: {}, strictFilters: true, ownPropertyOnly: true, parseLimit });
    engines.set(parseLimit, liquid);
  }
  return liquid;
}

const message = (e) => e.message.replace(/, line:\d+, col:\d+$/, '');

function analyze(liquid, source) {
  let parsed;
  try {
    parsed = liquid.parse(source);
  } catch (e) {
    if (!LiquidError.is(e)) throw e;
    const [line, column] = (e.token && e.token.getPosition()) || [1, 1];
    return { syntaxError: { message: message(e), line, column } };
  }
  // partials: false — included templates are not part of this one.
  const segments = liquid.globalVariableSegmentsSync(parsed, { partials: false });
  return { segments: segments.map((path) => path.map((s) => (typeof s === 'string' || typeof s === 'number' ? s : null))) };
}

module.exports = async function run(task) {
  const { parseLimit, renderLimit, memoryLimit } = task.limits;
  const liquid = engine(parseLimit);
  if (task.kind === 'analyze') return analyze(liquid, task.source);
  try {
    return { output: await liquid.render(liquid.parse(task.source), task.variables, { renderLimit, memoryLimit }) };
  } catch (e) {
    if (!LiquidError.is(e)) throw e;
    return { error: message(e) };
  }
};
