import { describe, expect, it } from 'vitest';
import { commitField } from '../../schema/index.js';
import { createCommitmentMemo } from './commitment-memo.js';

const served = {
  deviceId: '88.1001.1/PVI-000001',
  fieldCode: '88.1001.1.F0001',
  salt: 'HNrGPebX7_uC_Koo6M70jA',
  value: 'SV-150K-HV',
};
const anchored = commitField(served);

describe('the commitment memo', () => {
  it('gives the anchored commitment for the value that hashed to it, again and again', () => {
    const memo = createCommitmentMemo();
    expect(memo.commitmentOf(served, anchored)).toBe(anchored);
    expect(memo.commitmentOf({ ...served }, anchored)).toBe(anchored);
  });

  it('hashes anything that differs from what it remembers: value, salt, device or field', () => {
    const memo = createCommitmentMemo();
    memo.commitmentOf(served, anchored);
    for (const changed of [
      { value: 'SV-150K-HX' },
      { value: 150 },
      { value: null },
      { salt: 'AAAAAAAAAAAAAAAAAAAAAA' },
      { deviceId: '88.1001.1/PVI-000002' },
      { fieldCode: '88.1001.1.F0002' },
    ]) {
      const input = { ...served, ...changed };
      const observed = memo.commitmentOf(input, anchored);
      expect(observed).toBe(commitField(input));
      expect(observed).not.toBe(anchored);
    }
  });

  it('remembers nothing for a mismatch', () => {
    const memo = createCommitmentMemo();
    const forged = { ...served, value: 'forged' };
    expect(memo.commitmentOf(forged, anchored)).toBe(commitField(forged));
    expect(memo.commitmentOf(forged, anchored)).toBe(commitField(forged));
    expect(memo.commitmentOf(served, anchored)).toBe(anchored);
  });

  it('remembers object and list values by content: an edited copy, another salt or a scalar look-alike is hashed', () => {
    const memo = createCommitmentMemo();
    const records = { ...served, value: [{ time: '2024-06-11T02:30:00.000Z', fault: null }] };
    const recordsAnchor = commitField(records);
    expect(memo.commitmentOf(records, recordsAnchor)).toBe(recordsAnchor);
    // A fresh copy, as the next response parses it, and one with its members in another order.
    expect(
      memo.commitmentOf(
        { ...records, value: [{ time: '2024-06-11T02:30:00.000Z', fault: null }] },
        recordsAnchor,
      ),
    ).toBe(recordsAnchor);
    expect(
      memo.commitmentOf(
        { ...records, value: [{ fault: null, time: '2024-06-11T02:30:00.000Z' }] },
        recordsAnchor,
      ),
    ).toBe(recordsAnchor);
    for (const changed of [
      { value: [{ time: '2024-06-11T02:30:00.000Z', fault: 'E21' }] },
      {
        value: [
          { time: '2024-06-11T02:30:00.000Z', fault: null },
          { time: '2024-06-12T02:30:00.000Z', fault: null },
        ],
      },
      { value: [] },
      { value: '[{"time":"2024-06-11T02:30:00.000Z","fault":null}]' },
      { salt: 'AAAAAAAAAAAAAAAAAAAAAA' },
    ]) {
      const input = { ...records, ...changed };
      expect(memo.commitmentOf(input, recordsAnchor)).toBe(commitField(input));
      expect(commitField(input)).not.toBe(recordsAnchor);
    }
  });

  it('does not take a scalar for the object whose JSON text it spells', () => {
    const memo = createCommitmentMemo();
    const text = { ...served, value: '[1,2]' };
    const textAnchor = commitField(text);
    expect(memo.commitmentOf(text, textAnchor)).toBe(textAnchor);
    const list = { ...served, value: [1, 2] };
    expect(memo.commitmentOf(list, textAnchor)).toBe(commitField(list));
    expect(commitField(list)).not.toBe(textAnchor);
  });

  it('forgets the oldest commitments beyond its capacity, and still answers right', () => {
    const memo = createCommitmentMemo(2);
    const inputs = [1, 2, 3].map((n) => ({ ...served, value: n }));
    for (const input of inputs) memo.commitmentOf(input, commitField(input));
    for (const input of inputs)
      expect(memo.commitmentOf(input, commitField(input))).toBe(commitField(input));
  });
});
