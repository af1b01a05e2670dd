import { describe, expect, it } from 'vitest';
import { type Columns, validateSubscriberRow } from '../../src/deliver/validateSubscriberRow.js';

const columns: Columns = { email: 0, name: 1, fields: [[2, 'city']], count: 3 };
const row = (values: string[], line = 7, endLine = line) =>
  ({ kind: 'row', values, line, endLine }) as const;

describe('validateSubscriberRow', () => {
  it('turns a good row into a subscriber, its domain in punycode', () => {
    expect(
      validateSubscriberRow(row(['ada@bücher.example', ' Ada ', 'Geneva']), columns, new Map()),
    ).toEqual({
      subscriber: {
        email: 'ada@xn--bcher-kva.example',
        name: 'Ada',
        fields: { city: 'Geneva' },
        line: 7,
      },
      problems: [],
    });
  });

  it('skips a row whose address is already on an earlier line, whatever its capitals', () => {
    const result = validateSubscriberRow(
      row(['ADA@example.org', '', '']),
      columns,
      new Map([['ada@example.org', 2]]),
    );
    expect(result.subscriber).toBeUndefined();
    expect(result.problems).toEqual([
      {
        ruleId: 'subscriber-duplicate',
        reason: expect.stringMatching(/^Unexpected second row for the address on line 2,/),
      },
    ]);
  });

  it('skips a row with too few values, or a bad address, saying which without quoting it', () => {
    const short = validateSubscriberRow(row(['ada@example.org', 'Ada']), columns, new Map());
    expect(short.subscriber).toBeUndefined();
    expect(short.problems[0]).toMatchObject({
      ruleId: 'subscriber-row',
      reason: expect.stringMatching(/^Unexpected 2 values, expected 3/),
    });
    const bad = validateSubscriberRow(row(['josé@example.org', '', '']), columns, new Map());
    expect(bad.subscriber).toBeUndefined();
    expect(bad.problems[0]?.ruleId).toBe('subscriber-address');
    expect(bad.problems[0]?.reason).not.toContain('josé');
  });

  it('keeps a subscriber whose quoted value spans lines, with a warning; ignores an empty row', () => {
    const spanning = validateSubscriberRow(
      row(['ada@example.org', 'Ada\nL', ''], 4, 5),
      columns,
      new Map(),
    );
    expect(spanning.subscriber?.email).toBe('ada@example.org');
    expect(spanning.problems).toEqual([
      { ruleId: 'subscriber-row', reason: expect.stringContaining('lines 4–5') },
    ]);
    expect(validateSubscriberRow(row([' ', '', '']), columns, new Map())).toEqual({ problems: [] });
  });
});
