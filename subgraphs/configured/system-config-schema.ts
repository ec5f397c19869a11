import { z } from 'zod';

/**
 * The schema of a business system's config file (YAML or JSON): who the system is, the fields
 * it shares, where its database is, the SQL that reads it, how identifiers map to its rows, how
 * and where it anchors, whose grants it accepts, where it listens and where its anchor journal
 * is. Unknown keys are refused, so a misspelt setting is named rather than ignored.
 * `docs/system-configuration.md` lists every setting with its default and environment variable.
 */

const changePolicy = z.enum(['refuse', 'release-unverified']);

const fieldSchema = z.strictObject({
  name: z.string().min(1),
  /** GraphQL output type reference, e.g. `Float`, `String!`, `[OmMaintenanceRecord!]`. */
  type: z
    .string()
    .regex(/^\[?\s*[A-Za-z_][A-Za-z0-9_]*\s*!?\s*\]?\s*!?$/, 'must be a GraphQL type reference'),
  description: z.string().min(1),
  unit: z.string().min(1).optional(),
  changePolicy: changePolicy.default('refuse'),
  /** The column that holds the value; default: a column named as the field. */
  column: z.string().min(1).optional(),
  /** Parse the column as JSON text; default: for list and object types. */
  json: z.boolean().optional(),
});

const sqliteSource = z.strictObject({
  kind: z.literal('sqlite'),
  /** The database file; relative to the config file's folder. Opened read-only. */
  path: z.string().min(1),
});

const postgresSource = z.strictObject({
  kind: z.literal('postgres'),
  /** `postgres://user@host:5432/database`, without a password. */
  url: z.string().min(1),
  /** The environment variable that holds the password. */
  passwordEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
    .default('GRIDMARK_SYSTEM_POSTGRES_PASSWORD'),
  statementTimeoutMs: z.coerce.number().int().min(100).max(600_000).default(5_000),
  poolSize: z.coerce.number().int().min(1).max(100).default(4),
  connectTimeoutMs: z.coerce.number().int().min(100).max(120_000).default(5_000),
});

/**
 * How the rows of the system's database name their devices: the column that holds the gridmark
 * identifier itself (`column`, default `identifier`), or the column of the system's own device
 * code with the template that makes an identifier of it (`localColumn` and `template`, e.g.
 * `88.1001.7/{local}`); the queries then take and return local codes.
 */
const identifierSchema = z
  .strictObject({
    column: z.string().min(1).optional(),
    localColumn: z.string().min(1).optional(),
    template: z
      .string()
      .regex(/^[^{}]*\{local\}[^{}]*$/, 'must hold {local} exactly once')
      .optional(),
  })
  .superRefine((value, context) => {
    const local = value.localColumn !== undefined || value.template !== undefined;
    if (local && value.column !== undefined)
      context.addIssue({
        code: 'custom',
        path: ['column'],
        message: 'give either column, or localColumn with template, not both',
      });
    else if (local && value.localColumn === undefined)
      context.addIssue({
        code: 'custom',
        path: ['localColumn'],
        message: 'template needs localColumn',
      });
    else if (local && value.template === undefined)
      context.addIssue({
        code: 'custom',
        path: ['template'],
        message: 'localColumn needs a template such as 88.1001.7/{local}',
      });
  })
  .transform(
    (
      value,
    ): { readonly column: string } | { readonly localColumn: string; readonly template: string } =>
      value.localColumn !== undefined && value.template !== undefined
        ? { localColumn: value.localColumn, template: value.template }
        : { column: value.column ?? 'identifier' },
  );

const devicesSchema = z.strictObject({
  /** The SQL that loads a batch: one parameter, the list of identifiers (or local codes). */
  load: z.string().min(1),
  /** The SQL that lists every device to anchor: one row per device. */
  list: z.string().min(1),
  identifier: identifierSchema.prefault({}),
});

const anchoringSchema = z.strictObject({
  /** The aggregator's registry API, e.g. `https://aggregator.example/registry`. */
  registryUrl: z.url({ protocol: /^https?$/ }).optional(),
  systemCode: z.string().min(1).optional(),
  /** A file that holds the system's API key, readable by its owner only. */
  apiKeyFile: z.string().min(1).optional(),
  intervalSeconds: z.coerce.number().int().min(1).max(86_400).default(300),
  batchSize: z.coerce.number().int().min(1).max(10_000).default(500),
});

const gatewaySchema = z.strictObject({
  /** `grants` (the default): only requests with a grant of the gateway. `open`: anyone (tests only). */
  access: z.enum(['grants', 'open']).default('grants'),
  /** The gateway's Ed25519 grant-signing public key, PEM. */
  publicKeyFile: z.string().min(1).optional(),
  /** The gateway's key set, e.g. `https://aggregator.example/.well-known/jwks.json`. */
  jwksUrl: z.url({ protocol: /^https?$/ }).optional(),
  jwksRefreshSeconds: z.coerce.number().int().min(10).max(86_400).default(300),
  /** Allowed clock skew on a grant's `exp` and `iat`, in seconds. */
  grantSkewSeconds: z.coerce.number().int().min(0).max(300).default(30),
});

const listenSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65_535).default(4001),
});

/** The schema of a system config file, defaults applied. */
export const systemConfigSchema = z.strictObject({
  system: z.strictObject({
    name: z.string().min(1),
    title: z.string().min(1),
  }),
  fields: z.array(fieldSchema).min(1),
  typeDefs: z.string().optional(),
  source: z.discriminatedUnion('kind', [sqliteSource, postgresSource]),
  devices: devicesSchema,
  anchoring: anchoringSchema.default({ intervalSeconds: 300, batchSize: 500 }),
  gateway: gatewaySchema.default({
    access: 'grants',
    jwksRefreshSeconds: 300,
    grantSkewSeconds: 30,
  }),
  listen: listenSchema.default({ host: '127.0.0.1', port: 4001 }),
  journal: z
    .strictObject({
      /** The anchor journal's SQLite file; default `<name>.anchors.db` beside the config file. */
      path: z.string().min(1).optional(),
    })
    .default({}),
});

/** A validated system config, defaults applied and paths resolved. */
export type SystemConfig = z.infer<typeof systemConfigSchema>;
/** One shared field of a {@link SystemConfig}. */
export type ConfiguredField = SystemConfig['fields'][number];
/** The source of a {@link SystemConfig}. */
export type SourceConfig = SystemConfig['source'];
/** The identifier mapping of a {@link SystemConfig}. */
export type IdentifierMapping = SystemConfig['devices']['identifier'];
