import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemEm } from '../src/context';
import { copyLine, copyRows } from '../src/db/copy.queries';
import { startTestServer, type TestServer } from './support/harness';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ requestLogs: false });
});
afterAll(() => s?.stop());

describe('copyRows (COPY … FROM STDIN, the request log writer’s insert)', () => {
  it('writes every kind of value exactly: escapes, NUL, arrays with quotes and backslashes, JSON, nulls', async () => {
    const em = systemEm(s.app.orm);
    const nasty = 'tab\there\nline\r\\back\\slash \0nul "quoted" {braces},comma NULL \\N';
    const uuid = '0192f000-0000-7000-8000-000000000001';
    await em.execute('create table if not exists copy_probe_rows (t text, n int, b boolean, u uuid[], a text[], j jsonb, k jsonb)');
    await copyRows(
      em,
      'copy_probe_rows',
      ['t', 'n', 'b', 'u', 'a', 'j', 'k'],
      [
        [nasty, 42, true, [uuid], [nasty, '', 'NULL'], { json: { s: nasty, list: [1, 'two', null], nested: { '\0key': '\\' } } }, null],
        [null, null, null, [], [], { json: [] }, { json: 'plain' }],
      ],
    );
    const rows = await em.execute<{ t: string | null; n: number | null; b: boolean | null; u: string[]; a: string[]; j: unknown; k: unknown }[]>(
      'select t, n, b, u::text[] as u, a, j, k from copy_probe_rows order by n nulls last',
    );
    await em.execute('drop table copy_probe_rows');
    const clean = nasty.replace('\0', '\uFFFD');
    expect(rows).toEqual([
      { t: clean, n: 42, b: true, u: [uuid], a: [clean, '', 'NULL'], j: { s: clean, list: [1, 'two', null], nested: { '\uFFFDkey': '\\' } }, k: null },
      { t: null, n: null, b: null, u: [], a: [], j: [], k: 'plain' },
    ]);
  });

  it('formats a line as PostgreSQL’s text format expects', () => {
    expect(copyLine(['a\tb', null, 3, ['x"y', 'z\\'], { json: { q: 'a\nb' } }])).toBe('a\\tb\t\\N\t3\t{"x\\\\"y","z\\\\\\\\"}\t{"q":"a\\\\nb"}\n');
  });

  it('writes in the entity manager’s transaction when it has one (a temporary table of that connection; rolled back with it)', async () => {
    const em = systemEm(s.app.orm);
    const seen = await em
      .transactional(async (tx) => {
        await tx.execute('create temporary table copy_probe_tx (n int) on commit drop');
        await copyRows(tx, 'copy_probe_tx', ['n'], [[1], [2]]);
        const rows = await tx.execute<{ n: number }[]>('select n from copy_probe_tx order by n');
        throw Object.assign(new Error('roll back'), { rows });
      })
      .catch((e: { rows?: unknown }) => e.rows);
    expect(seen).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('writes all rows or none: a bad row fails the whole COPY and the connection stays usable', async () => {
    const em = systemEm(s.app.orm);
    await em.execute('create table if not exists copy_probe_fail (n int not null)');
    await expect(copyRows(em, 'copy_probe_fail', ['n'], [[1], [null], [3]])).rejects.toThrow();
    await copyRows(em, 'copy_probe_fail', ['n'], [[4]]);
    const rows = await em.execute<{ n: number }[]>('select n from copy_probe_fail');
    await em.execute('drop table copy_probe_fail');
    expect(rows).toEqual([{ n: 4 }]);
  });
});
