'use strict';
/**
 * Renders one Liquid source in a worker thread of the render pool (tinypool). Plain CommonJS that
 * needs only liquidjs, so it loads the same under vitest and from dist. Task: { source, variables,
 * limits: { parseLimit, renderLimit, memoryLimit } }; answers { output } or { error } for a Liquid
 * error (the message without liquidjs's ", line:L, col:C" suffix). Anything else rejects.
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

module.exports = async function render(task) {
  const { parseLimit, renderLimit, memoryLimit } = task.limits;
  try {
    const liquid = engine(parseLimit);
    return { output: await liquid.render(liquid.parse(task.source), task.variables, { renderLimit, memoryLimit }) };
  } catch (e) {
    if (!LiquidError.is(e)) throw e;
    return { error: e.message.replace(/, line:\d+, col:\d+$/, '') };
  }
};
