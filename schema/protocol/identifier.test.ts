import { describe, expect, it } from 'vitest';
import { GridmarkError } from './errors.js';
import { formatIdentifier, isValidIdentifier, parseIdentifier } from './identifier.js';

describe('device identifiers', () => {
  it('splits an identifier into the issuing system prefix and the suffix', () => {
    expect(parseIdentifier('88.1001.7/PVM-000123')).toEqual({
      prefix: '88.1001.7',
      suffix: 'PVM-000123',
    });
    expect(parseIdentifier('20.500.12345/a.b_c:d-e')).toEqual({
      prefix: '20.500.12345',
      suffix: 'a.b_c:d-e',
    });
  });

  it.each([
    ['no slash', 'PVM-000123'],
    ['empty suffix', '88.1001.7/'],
    ['single-segment prefix', '88/PVM-1'],
    ['non-numeric prefix', '88.abc/PVM-1'],
    ['leading zero in a segment', '88.0101/PVM-1'],
    ['space in the suffix', '88.1001.7/PVM 1'],
    ['second slash', '88.1001.7/PVM/1'],
    ['suffix starting with punctuation', '88.1001.7/-PVM'],
    ['empty string', ''],
    ['SQL in the suffix', "88.1/x';DROP TABLE devices;--"],
  ])('refuses an identifier with %s as BAD_IDENTIFIER', (_, text) => {
    let caught: unknown;
    try {
      parseIdentifier(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GridmarkError);
    expect((caught as GridmarkError).code).toBe('BAD_IDENTIFIER');
    expect(isValidIdentifier(text)).toBe(false);
  });

  it('refuses an over-long identifier and keeps the echoed text short and printable', () => {
    const text = `88.1/${'A'.repeat(300)}\u0000`;
    try {
      parseIdentifier(text);
      expect.unreachable();
    } catch (error) {
      const message = (error as GridmarkError).message;
      expect(message.length).toBeLessThan(200);
      expect(message).not.toContain('\u0000');
    }
  });

  it('formats only well-formed parts', () => {
    expect(formatIdentifier({ prefix: '88.1001.2', suffix: 'STR-B1-S01' })).toBe(
      '88.1001.2/STR-B1-S01',
    );
    expect(() => formatIdentifier({ prefix: '88', suffix: 'X' })).toThrow(GridmarkError);
  });
});
