import { describe, expect, it } from 'vitest';
import { EXPLORER_MODES, resolveExplorerMode } from './explorer-mode.js';

describe('resolveExplorerMode', () => {
  it('defaults to auto in development and to off in production', () => {
    expect(resolveExplorerMode('development', undefined)).toBe('auto');
    expect(resolveExplorerMode('production', undefined)).toBe('off');
  });

  it('keeps any configured mode, in either mode of the gateway', () => {
    for (const explorer of EXPLORER_MODES) {
      expect(resolveExplorerMode('development', explorer)).toBe(explorer);
      expect(resolveExplorerMode('production', explorer)).toBe(explorer);
    }
  });
});
