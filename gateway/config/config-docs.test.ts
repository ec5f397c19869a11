import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSettings, renderConfigurationDoc } from './index.js';

describe('docs/configuration.md', () => {
  const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

  it('is the table the schema generates (regenerate it with renderConfigurationDoc)', () => {
    expect(doc.startsWith(renderConfigurationDoc().split('## Settings')[0] ?? '')).toBe(true);
    expect(doc).toContain(renderConfigurationDoc().split('## Settings')[1] ?? '');
  });

  it('lists every setting with its variable', () => {
    for (const setting of configSettings())
      expect(doc).toContain(`| \`${setting.path}\` | \`${setting.env}\` |`);
  });
});
