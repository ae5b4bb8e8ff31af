/** The channel cross-process bus messages travel on (payloads are ids only). */
export const BUS_CHANNEL = 'mailroom_bus';

/** A bus message as it travels in a NOTIFY payload (what the LISTEN side parses and delivers). Pure. */
export function busMessage(topic: string, payload: unknown): string {
  return JSON.stringify({ topic, payload });
}
