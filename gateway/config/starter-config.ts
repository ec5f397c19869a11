import { configSettings, type ConfigSetting } from './config-settings.js';

/** Settings a starter configuration sets; every other one is written commented out, at its default. */
export interface StarterValues {
  readonly [path: string]: string | number | boolean | readonly string[];
}

/** The settings a starter file writes active, with their defaults unless given. */
const ACTIVE = [
  'mode',
  'data.directory',
  'keys.directory',
  'ledger.kind',
  'listen.host',
  'listen.port',
  'registry.authorityPrefix',
  'cors.origins',
  'logging.level',
] as const;

function yamlValue(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

/**
 * A commented starter configuration in YAML: every setting with its description and variable,
 * the common ones set (to `values`, or their defaults), the rest commented out at their defaults.
 */
export function renderStarterConfig(values: StarterValues = {}): string {
  const lines = [
    '# gridmark gateway configuration: `gridmark serve --config <this file>`.',
    '# Every setting has a default and an environment variable that overrides it (shown after',
    '# each); see docs/configuration.md. Relative paths are relative to this file.',
  ];
  const opened = new Set<string>();
  for (const setting of configSettings()) {
    const parts = setting.path.split('.');
    const active = (ACTIVE as readonly string[]).includes(setting.path) || setting.path in values;
    for (let depth = 0; depth < parts.length - 1; depth++) {
      const section = parts.slice(0, depth + 1).join('.');
      if (opened.has(section)) continue;
      const sectionActive = configSettings().some(
        (s) =>
          s.path.startsWith(`${section}.`) &&
          ((ACTIVE as readonly string[]).includes(s.path) || s.path in values),
      );
      if (depth === 0) lines.push('');
      lines.push(`${'  '.repeat(depth)}${sectionActive ? '' : '# '}${parts[depth] ?? ''}:`);
      opened.add(section);
    }
    lines.push(...settingLines(setting, parts.length - 1, active, values[setting.path]));
  }
  return `${lines.join('\n')}\n`;
}

function settingLines(
  setting: ConfigSetting,
  depth: number,
  active: boolean,
  value: unknown,
): string[] {
  const indent = '  '.repeat(depth);
  const name = setting.path.split('.').at(-1) ?? setting.path;
  const shown = value ?? setting.defaultValue;
  const comment = `${indent}# ${setting.description} (${setting.env})`;
  if (depth === 0) return ['', comment, `${active ? '' : '# '}${name}: ${yamlValue(shown)}`];
  if (shown === undefined) return [comment, `${indent}# ${name}:`];
  return [comment, `${indent}${active ? '' : '# '}${name}: ${yamlValue(shown)}`];
}
