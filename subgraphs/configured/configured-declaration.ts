import { GridmarkError, silentLogger, type Logger } from '../../schema/index.js';
import type { DeviceRecord, SubgraphDeclaration } from '../kit/index.js';
import { shapeValue, valueShapes } from './field-values.js';
import type { IdentifierMapping, SystemConfig } from './system-config-schema.js';
import type { SourceRows, SourceStatement, SystemSource } from './system-source.js';

/** A configured system's declaration over its source, and the list of its devices to anchor. */
export interface ConfiguredDeclaration {
  readonly declaration: SubgraphDeclaration;
  /** Every device identifier `devices.list` returns. */
  listDevices(): Promise<readonly string[]>;
  /**
   * Runs `devices.load` with no devices and checks it returns the identifier's column and every
   * field's column, so a misspelt column is named at start rather than served as null.
   *
   * @throws GridmarkError `BAD_CONFIGURATION` naming the setting, or the source's errors.
   */
  check(): Promise<void>;
}

/**
 * The declaration a config file makes: its fields and typeDefs, and a batch loader that runs
 * `devices.load` once per batch and maps each row to a device's record (the identifier from its
 * column or its template; each field from its column, found by name or, as PostgreSQL folds
 * unquoted names to lower case, by name in any case). A failed statement is logged in full and
 * reaches the gateway as `SOURCE_QUERY_FAILED` without the database's message.
 */
export function declareConfiguredSystem(
  config: SystemConfig,
  source: SystemSource,
  logger: Logger = silentLogger,
): ConfiguredDeclaration {
  const load: SourceStatement = { setting: 'devices.load', sql: config.devices.load };
  const list: SourceStatement = { setting: 'devices.list', sql: config.devices.list };
  const identifiers = identifierCodec(config.devices.identifier);
  const shapes = valueShapes(config.fields, config.typeDefs);
  const columns = config.fields.map(
    (f) => [f.name, f.column ?? f.name, shapes.get(f.name)] as const,
  );

  const toRecords = (result: SourceRows, asked: ReadonlySet<string>): Map<string, DeviceRecord> => {
    const key = columnFinder(result.columns);
    const idColumn = key(identifiers.column);
    const found = new Map<string, DeviceRecord>();
    for (const row of result.rows) {
      const id = idColumn === undefined ? undefined : identifiers.toIdentifier(row[idColumn]);
      if (id === undefined || !asked.has(id)) continue;
      const record: Record<string, unknown> = {};
      for (const [field, column, shape] of columns) {
        const at = key(column);
        record[field] = at === undefined ? null : shapeValue(shape ?? 'as-is', row[at]);
      }
      found.set(id, record);
    }
    return found;
  };

  const declaration: SubgraphDeclaration = {
    name: config.system.name,
    title: config.system.title,
    fields: config.fields.map((f) => ({
      name: f.name,
      type: f.type,
      description: f.description,
      ...(f.unit === undefined ? {} : { unit: f.unit }),
      changePolicy: f.changePolicy,
    })),
    ...(config.typeDefs === undefined ? {} : { typeDefs: config.typeDefs }),
    loadDevices: async (ids) => {
      const locals = identifiers.toParameters(ids);
      if (locals.length === 0) return new Map();
      const result = await readLogged(source, load, locals, logger);
      return toRecords(result, new Set(ids));
    },
  };
  return {
    declaration,
    async listDevices() {
      const result = await readLogged(source, list, undefined, logger);
      const key = columnFinder(result.columns);
      const column =
        key(identifiers.column) ?? (result.columns.length === 1 ? result.columns[0] : undefined);
      if (column === undefined) return [];
      return result.rows.flatMap((row) => {
        const id = identifiers.toIdentifier(row[column]);
        return id === undefined ? [] : [id];
      });
    },
    async check() {
      const { columns: returned } = await source.read(load, []);
      const key = columnFinder(returned);
      if (key(identifiers.column) === undefined)
        throw missingColumn(identifiers.setting, identifiers.column, returned);
      config.fields.forEach((f, i) => {
        if (key(f.column ?? f.name) === undefined)
          throw missingColumn(`fields[${i}].column`, f.column ?? f.name, returned);
      });
    },
  };
}

async function readLogged(
  source: SystemSource,
  statement: SourceStatement,
  list: readonly string[] | undefined,
  logger: Logger,
): Promise<SourceRows> {
  try {
    return await source.read(statement, list);
  } catch (error) {
    if (!(error instanceof GridmarkError)) throw error;
    logger.error(`${error.code}: ${error.message}`);
    throw new GridmarkError(error.code, "The business system's database could not answer.", {
      details: error.details,
    });
  }
}

function missingColumn(
  setting: string,
  column: string,
  returned: readonly string[],
): GridmarkError {
  return new GridmarkError(
    'BAD_CONFIGURATION',
    `${setting}: devices.load returns no column "${column}" (it returns ${returned.map((c) => `"${c}"`).join(', ') || 'none'}).`,
    { details: { setting } },
  );
}

/** Finds a column by its exact name, else by its name in any case. */
function columnFinder(columns: readonly string[]): (name: string) => string | undefined {
  const exact = new Set(columns);
  const folded = new Map<string, string>();
  for (const c of columns) if (!folded.has(c.toLowerCase())) folded.set(c.toLowerCase(), c);
  return (name) => (exact.has(name) ? name : folded.get(name.toLowerCase()));
}

/** How identifiers become a statement's parameter, and a row's column an identifier. */
interface IdentifierCodec {
  readonly column: string;
  readonly setting: string;
  toParameters(ids: readonly string[]): string[];
  toIdentifier(value: unknown): string | undefined;
}

function identifierCodec(mapping: IdentifierMapping): IdentifierCodec {
  if ('column' in mapping)
    return {
      column: mapping.column,
      setting: 'devices.identifier.column',
      toParameters: (ids) => [...ids],
      toIdentifier: (value) => scalarText(value),
    };
  const [before = '', after = ''] = mapping.template.split('{local}');
  return {
    column: mapping.localColumn,
    setting: 'devices.identifier.localColumn',
    toParameters: (ids) =>
      ids.flatMap((id) =>
        id.length > before.length + after.length && id.startsWith(before) && id.endsWith(after)
          ? [id.slice(before.length, id.length - after.length)]
          : [],
      ),
    toIdentifier: (value) => {
      const local = scalarText(value);
      return local === undefined ? undefined : `${before}${local}${after}`;
    },
  };
}

/** A column's value as text, when it is a string or a number; identifiers are nothing else. */
function scalarText(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint'
    ? String(value)
    : undefined;
}
