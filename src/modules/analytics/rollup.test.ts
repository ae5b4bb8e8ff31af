import { describe, expect, it } from 'vitest';
import { ActivityEventType as T } from '../../events/event-type';
import { pgArray } from './rollup-writes.queries';
import { COUNT_COLUMNS, COUNTED, typeOfColumn } from './rollup';

describe('typeOfColumn', () => {
  it('names the event type each count column counts, for every column', () => {
    expect(typeOfColumn('opened_unique')).toBe(T.OPENED_UNIQUE);
    expect(COUNT_COLUMNS.map((c) => COUNTED[typeOfColumn(c)])).toEqual([...COUNT_COLUMNS]);
  });
});

describe('pgArray', () => {
  it('quotes every text element and escapes quotes and backslashes; null is NULL', () => {
    expect(pgArray(['a', null, 'say "hi"', 'back\\slash', 'NULL', '{x,y}', 3])).toBe('{"a",NULL,"say \\"hi\\"","back\\\\slash","NULL","{x,y}",3}');
  });
});
