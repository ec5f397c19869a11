import { configSettings, type ConfigSetting } from './config-settings.js';

/** Environment variables as `process.env` holds them. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** What the environment set over the file: the merged document and the paths it set. */
export interface EnvironmentOverlay {
  readonly document: Record<string, unknown>;
  /** Setting path to the variable that set it. */
  readonly fromEnvironment: ReadonlyMap<string, string>;
}

/**
 * Lays every setting's environment variable over the file's document: a variable that is set
 * (and not empty) replaces the file's value. Integers and booleans are read from their text (a
 * value that is neither stays text, for the schema to refuse naming the setting); lists are
 * comma-separated.
 */
export function overlayEnvironment(document: unknown, env: Environment): EnvironmentOverlay {
  const merged = structuredClone<Record<string, unknown>>(isObject(document) ? document : {});
  const fromEnvironment = new Map<string, string>();
  for (const setting of configSettings()) {
    const raw = env[setting.env];
    if (raw === undefined || raw === '') continue;
    setAt(merged, setting.path.split('.'), valueOf(setting, raw));
    fromEnvironment.set(setting.path, setting.env);
  }
  return { document: merged, fromEnvironment };
}

function valueOf(setting: ConfigSetting, raw: string): unknown {
  const text = raw.trim();
  switch (setting.kind) {
    case 'integer':
      return /^[+-]?\d+$/.test(text) ? Number(text) : raw;
    case 'boolean':
      if (['true', '1', 'yes', 'on'].includes(text.toLowerCase())) return true;
      if (['false', '0', 'no', 'off'].includes(text.toLowerCase())) return false;
      return raw;
    case 'list':
      return text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
    default:
      return raw;
  }
}

function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const next = target[head];
  // A section the file gave as something else than a map is replaced: the schema would refuse it anyway.
  const section: Record<string, unknown> = isObject(next) ? next : (target[head] = {});
  setAt(section, rest, value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
