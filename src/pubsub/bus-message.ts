/** The channel cross-process bus messages travel on (payloads are ids only). */
export const BUS_CHANNEL = 'mailroom_bus';

/** A bus message as it travels in a NOTIFY payload (what the LISTEN side parses and delivers). Pure. */
export function busMessage(topic: string, payload: unknown): string {
  return JSON.stringify({ topic, payload });
}

/**
 * The statement that NOTIFYs each of these payloads of one topic on the bus channel (one round trip
 * however many), with `$n` placeholders: run in a transaction, PostgreSQL delivers them when it commits
 * and drops them on rollback. Pure.
 */
export function notifyEachStatement(topic: string, payloads: readonly unknown[]): { text: string; values: [string, string] } {
  return {
    text: 'select pg_notify($1, m) from jsonb_array_elements_text($2::jsonb) as m',
    values: [BUS_CHANNEL, JSON.stringify(payloads.map((payload) => busMessage(topic, payload)))],
  };
}
