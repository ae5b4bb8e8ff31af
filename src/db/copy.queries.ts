import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { from as copyFrom } from 'pg-copy-streams';

/** A value of one column of a COPY row: text, number, boolean, null, a list of strings (a text or uuid array) or a JSON value (a json/jsonb column). */
export type CopyValue = string | number | boolean | null | readonly string[] | { json: unknown };

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\uFFFD' };

/** A text value in COPY's text format: backslash, tab, newline and carriage return escaped; NUL (which PostgreSQL text cannot hold) becomes U+FFFD. Pure. */
function text(s: string): string {
  return /[\\\n\r\t\0]/.test(s) ? s.replace(/[\\\n\r\t\0]/g, (c) => ESCAPES[c]) : s;
}

/** An array literal (`{"a","b"}`), each element quoted with `"` and `\` escaped. Pure. */
function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

/**
 * JSON text for a jsonb column: NUL (`\u0000`: valid JSON, refused by jsonb) becomes U+FFFD in strings and
 * keys — re-serialised so only when the fast path shows one. Pure.
 */
function jsonText(value: unknown): string {
  const s = JSON.stringify(value) ?? 'null';
  if (!s.includes('\\u0000')) return s;
  return JSON.stringify(withoutNul(value));
}

/** A copy of a JSON value with NUL replaced by U+FFFD in every string and key. Pure. */
function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\0/g, '\uFFFD');
  if (Array.isArray(value)) return value.map(withoutNul);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k.replace(/\0/g, '\uFFFD'), withoutNul(v)]));
}

/** One row as a line of COPY's text format (tab-separated, `\N` for null, newline-terminated). Pure. */
export function copyLine(values: readonly CopyValue[]): string {
  let line = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i) line += '\t';
    if (v === null) line += '\\N';
    else if (typeof v === 'string') line += text(v);
    else if (typeof v === 'number' || typeof v === 'boolean') line += String(v);
    else if (Array.isArray(v)) line += text(arrayLiteral(v as readonly string[]));
    else line += text(jsonText((v as { json: unknown }).json));
  }
  return `${line}\n`;
}

/** A node-postgres connection (a `pg` Client or a pool's): all COPY needs of it. */
export interface CopyConnection {
  query: (stream: ReturnType<typeof copyFrom>) => ReturnType<typeof copyFrom>;
}

/**
 * Writes rows into `table` with `COPY … FROM STDIN` (text format) on this connection — the cheapest way
 * into PostgreSQL for many rows: no SQL to parse or plan per batch, no JSON to unpack, each value read
 * straight into its column's type. `table` and `columns` are identifiers of ours, never input. One COPY
 * is one statement: all rows are written or none. Side effect: write.
 */
export async function copyRowsOn(connection: CopyConnection, table: string, columns: readonly string[], rows: readonly (readonly CopyValue[])[]): Promise<void> {
  if (!rows.length) return;
  let body = '';
  for (const r of rows) body += copyLine(r);
  await new Promise<void>((resolve, reject) => {
    const stream = connection.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`));
    stream.on('finish', resolve);
    stream.on('error', reject);
    stream.end(body);
  });
}

/** `copyRowsOn` in `em`'s transaction or on a pooled connection. Side effect: write. */
export async function copyRows(em: EntityManager, table: string, columns: readonly string[], rows: readonly (readonly CopyValue[])[]): Promise<void> {
  if (!rows.length) return;
  // In em's transaction when it has one (knex's transaction client hands out that connection), else a pooled one.
  const client = (em.getTransactionContext<Knex.Transaction>() ?? em.getConnection().getKnex()).client as Knex.Client;
  const connection = (await client.acquireConnection()) as CopyConnection;
  try {
    await copyRowsOn(connection, table, columns, rows);
  } finally {
    await client.releaseConnection(connection);
  }
}
