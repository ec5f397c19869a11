import { z } from 'zod';
import { gatewayConfigSchema } from './config-schema.js';

/** How a setting's value is written in an environment variable. */
export type SettingKind = 'integer' | 'boolean' | 'string' | 'list' | 'choice';

/** One setting of the configuration file, as the schema defines it. */
export interface ConfigSetting {
  /** Its path in the file, e.g. `listen.port`. */
  readonly path: string;
  /** The environment variable that overrides it, e.g. `GRIDMARK_LISTEN_PORT`. */
  readonly env: string;
  readonly kind: SettingKind;
  /** For a `choice`: the values it takes. */
  readonly choices?: readonly string[];
  /** For an `integer`: its least and greatest values. */
  readonly minimum?: number;
  readonly maximum?: number;
  /** Its default; undefined when it is unset (off, or derived) until configured. */
  readonly defaultValue: unknown;
  readonly description: string;
}

/** The prefix of every setting's environment variable. */
export const CONFIG_ENV_PREFIX = 'GRIDMARK_';

interface JsonSchemaNode {
  readonly type?: string;
  readonly enum?: readonly string[];
  readonly default?: unknown;
  readonly description?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly properties?: Readonly<Record<string, JsonSchemaNode>>;
}

/** `listen.port` -> `GRIDMARK_LISTEN_PORT`, `ledger.fabric.caCertificate` -> `GRIDMARK_LEDGER_FABRIC_CA_CERTIFICATE`. */
export function settingEnvName(path: string): string {
  return (
    CONFIG_ENV_PREFIX +
    path
      .split('.')
      .map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase())
      .join('_')
  );
}

function kindOf(node: JsonSchemaNode): SettingKind {
  if (node.enum) return 'choice';
  if (node.type === 'integer') return 'integer';
  if (node.type === 'boolean') return 'boolean';
  if (node.type === 'array') return 'list';
  return 'string';
}

function collect(node: JsonSchemaNode, prefix: string, into: ConfigSetting[]): void {
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    if (child.type === 'object' && child.properties) {
      collect(child, path, into);
      continue;
    }
    into.push({
      path,
      env: settingEnvName(path),
      kind: kindOf(child),
      ...(child.enum ? { choices: child.enum } : {}),
      ...(child.minimum === undefined ? {} : { minimum: child.minimum }),
      ...(child.maximum === undefined ? {} : { maximum: child.maximum }),
      defaultValue: child.default,
      description: child.description ?? '',
    });
  }
}

let settings: readonly ConfigSetting[] | undefined;

/**
 * Every setting of the configuration file, in the schema's order, read from the schema itself:
 * its path, environment variable, kind, default and description.
 */
export function configSettings(): readonly ConfigSetting[] {
  if (!settings) {
    const json = z.toJSONSchema(gatewayConfigSchema, {
      io: 'input',
      unrepresentable: 'any',
    }) as JsonSchemaNode;
    const found: ConfigSetting[] = [];
    collect(json, '', found);
    settings = found;
  }
  return settings;
}
