import { z } from 'zod';

/*
 * The gateway's configuration file, as one zod schema. Every setting is a leaf with a default
 * (or none, for what is off until set) and a description; docs/configuration.md and the
 * environment variables are derived from this schema, so neither can drift from it. Objects are
 * strict: a key the schema does not know (a typo) is refused, not ignored.
 */

const integer = (min: number, max: number) => {
  const error = `expected an integer from ${min} to ${max}`;
  return z.int({ error }).min(min, { error }).max(max, { error });
};
const text = (what = 'a non-empty string') =>
  z.string({ error: `expected ${what}` }).min(1, { error: `expected ${what}` });
const flag = () => z.boolean({ error: 'expected true or false' });
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `expected one of ${values.join(', ')}` });
const list = (what: string) => z.array(text(what), { error: `expected a list of ${what}s` });

/** An HTTP(S) origin as a browser sends it, or `*`. */
const origin = z.string({ error: 'expected a list of origins (scheme://host[:port]) or *' }).refine(
  (value) => {
    if (value === '*') return true;
    try {
      const url = new URL(value);
      return (
        (url.protocol === 'http:' || url.protocol === 'https:') &&
        url.origin === value &&
        // A host name or an address: no wildcard or other character a browser never sends.
        /^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/.test(url.hostname)
      );
    } catch {
      return false;
    }
  },
  { error: 'expected a list of origins (scheme://host[:port], no path or trailing slash) or *' },
);

const dataSection = z
  .strictObject({
    directory: text('a directory path')
      .default('data')
      .describe(
        "The data directory (owner-only, 0700): the registry, the book, the embedded ledger and the outbox live here unless given elsewhere. Relative paths in this file are relative to the file's own directory.",
      ),
    registry: text('a file path')
      .default('registry.db')
      .describe("The registry's SQLite store (relative to `data.directory`)."),
    billing: text('a file path')
      .default('billing.db')
      .describe('The billing book, a SQLite file (relative to `data.directory`).'),
    outbox: text('a file path')
      .default('ledger-outbox.db')
      .describe(
        'The ledger outbox: resolutions, trades and evidence waiting for the ledger (relative to `data.directory`).',
      ),
  })
  .prefault({});

const fabricSection = z.strictObject({
  endpoint: text('host:port').optional().describe('The Fabric gateway peer, `host:port`.'),
  mspId: text('an MSP id')
    .optional()
    .describe("The client identity's organisation, e.g. `Org1MSP`."),
  certificate: text('a file path')
    .optional()
    .describe("The client identity's X.509 certificate, a PEM file."),
  privateKey: text('a file path')
    .optional()
    .describe("The client identity's private key, a PEM file (owner-only)."),
  channelName: text('a channel name').optional().describe('The channel.'),
  chaincodeName: text('a chaincode name')
    .optional()
    .describe('The chaincode (the gridmark contract).'),
  transport: oneOf(['tls', 'plaintext'])
    .default('tls')
    .describe('How the peer is reached; `plaintext` must be chosen explicitly.'),
  caCertificate: text('a file path')
    .optional()
    .describe("With `tls`: the peer's CA certificate, a PEM file (required for `tls`)."),
  serverNameOverride: text('a host name')
    .optional()
    .describe("With `tls`: the server name to expect instead of the endpoint's host."),
  clientCertificate: text('a file path')
    .optional()
    .describe('With `tls`: a client certificate for mutual TLS, a PEM file.'),
  clientKey: text('a file path')
    .optional()
    .describe('With `tls`: the client key for mutual TLS, a PEM file.'),
  checkpointFile: text('a file path')
    .optional()
    .describe('Where the event stream records how far it got, so that a restart resumes there.'),
  evaluateMs: integer(1, 600_000).default(5_000).describe('Deadline of an evaluation, ms.'),
  endorseMs: integer(1, 600_000).default(15_000).describe('Deadline of an endorsement, ms.'),
  submitMs: integer(1, 600_000).default(5_000).describe('Deadline of a submission, ms.'),
  commitStatusMs: integer(1, 600_000)
    .default(60_000)
    .describe('Deadline of waiting for a commit, ms.'),
});

const ledgerSection = z
  .strictObject({
    kind: oneOf(['embedded', 'fabric'])
      .default('embedded')
      .describe('`embedded` (one SQLite file and its node key) or `fabric` (Hyperledger Fabric).'),
    path: text('a file path')
      .default('ledger.db')
      .describe('The embedded ledger file (relative to `data.directory`).'),
    nodeKey: text('a file path')
      .optional()
      .describe(
        "The embedded ledger's node key (owner-only). Default: `ledger-node-key.pem` in `keys.directory`, apart from the database.",
      ),
    fabric: fabricSection.prefault({}),
  })
  .prefault({});

const keysSection = z
  .strictObject({
    directory: text('a directory path')
      .default('keys')
      .describe(
        'The keys directory (owner-only, 0700), kept apart from the data directory so that a copy of the data holds no key.',
      ),
    grantKeyFile: text('a file path')
      .default('grant-keys.json')
      .describe(
        'The grant-signing key file (owner-only, 0600; relative to `keys.directory`): Ed25519 keys with their key ids, written by `gridmark init` and `gridmark keys rotate`.',
      ),
  })
  .prefault({});

const listenSection = z
  .strictObject({
    host: text('a host name or address').default('127.0.0.1').describe('The address to listen on.'),
    port: integer(0, 65_535).default(4000).describe('The port to listen on (0 picks a free one).'),
  })
  .prefault({});

const tlsSection = z
  .strictObject({
    cert: text('a file path')
      .optional()
      .describe('A PEM certificate (chain) file; with `tls.key`, the gateway serves HTTPS.'),
    key: text('a file path').optional().describe("The certificate's private key, a PEM file."),
  })
  .prefault({});

const registrySection = z
  .strictObject({
    authorityPrefix: z
      .string({ error: 'expected a dotted numeric prefix such as 88.1001' })
      .regex(/^\d+(\.\d+)*$/, { error: 'expected a dotted numeric prefix such as 88.1001' })
      .default('88.1001')
      .describe(
        "The aggregator's authority prefix: business systems get `<prefix>.1`, `<prefix>.2`, ...",
      ),
    initialCreditScore: integer(0, 100)
      .optional()
      .describe('Credit score a new enterprise starts with.'),
    creditThreshold: integer(0, 100)
      .optional()
      .describe('Registration needs a credit score at least this high.'),
    outboundAllow: list('CIDR or address')
      .default([])
      .describe(
        'Restricted networks the registry and gateway may still call (business systems on a private network), e.g. `10.20.0.0/16`; `127.0.0.0/8` for systems on this machine.',
      ),
    outboundDeny: list('CIDR or address')
      .default([])
      .describe('Networks never called, even when allowed.'),
  })
  .prefault({});

const limitsSection = z
  .strictObject({
    maxDevices: integer(1, 500)
      .default(500)
      .describe(
        'Distinct devices one operation names (at most 500, one resolution on the ledger).',
      ),
    maxAliases: integer(1, 10_000).default(100).describe('Aliased fields in one operation.'),
    maxDepth: integer(1, 100).default(12).describe('Nesting of fields in one operation.'),
    maxFields: integer(1, 100_000).default(1_500).describe('Fields selected in one operation.'),
    maxTokens: integer(1, 1_000_000).default(15_000).describe('Lexical tokens of one document.'),
    maxDevicesPerQuery: integer(1, 500)
      .default(500)
      .describe('Identifiers in one `devices(ids:)` call.'),
    subgraphTimeoutMs: integer(1, 600_000)
      .default(5_000)
      .describe('Deadline of one business-system request, ms.'),
  })
  .prefault({});

const billingSection = z
  .strictObject({
    enabled: flag().default(true).describe('Per-use charging; off, released values are free.'),
    commissionBasisPoints: integer(0, 10_000)
      .default(0)
      .describe("The platform's share of each field fee, in basis points (1/100 %)."),
    resolutionFeeFen: integer(0, 100_000_000)
      .default(0)
      .describe('Paid to the platform by every query that releases a charged value, in fen.'),
    registrationFeeFen: integer(0, 100_000_000)
      .default(0)
      .describe('Paid to the platform by a business system when it registers, in fen.'),
    receiptTimeoutMs: integer(1, 600_000)
      .default(2_000)
      .describe("How long a response waits for its trade's ledger receipt, ms."),
  })
  .prefault({});

const corsSection = z
  .strictObject({
    origins: z
      .array(origin, { error: 'expected a list of origins (scheme://host[:port]) or *' })
      .default([])
      .describe(
        'Browser origins allowed to call the GraphQL endpoint and the registry API (`https://app.example.com`); `*` allows any. Empty: no cross-origin calls.',
      ),
  })
  .prefault({});

const loggingSection = z
  .strictObject({
    level: oneOf(['debug', 'info', 'warn', 'error', 'silent'])
      .default('info')
      .describe('The least severe level logged.'),
    format: oneOf(['json', 'pretty']).default('json').describe('JSON lines, or readable lines.'),
  })
  .prefault({});

const metricsSection = z
  .strictObject({
    enabled: flag().default(true).describe('Serves Prometheus metrics at `/metrics`.'),
  })
  .prefault({});

const tracingSection = z
  .strictObject({
    otlpUrl: z
      .url({ error: 'expected an http(s) URL', protocol: /^https?$/ })
      .optional()
      .describe(
        'OTLP/HTTP traces endpoint, e.g. `http://collector:4318/v1/traces`; unset, tracing is off.',
      ),
    serviceName: text('a service name')
      .default('gridmark-gateway')
      .describe('The service name traces carry.'),
  })
  .prefault({});

const readinessSection = z
  .strictObject({
    maxLedgerBacklog: integer(0, 100_000_000)
      .default(10_000)
      .describe('`/readyz` answers 503 while more records than this wait for the ledger.'),
    probeTimeoutMs: integer(1, 60_000)
      .default(1_000)
      .describe('Deadline of each readiness probe, ms.'),
  })
  .prefault({});

/** The gateway's configuration file: every section optional, every setting defaulted. */
export const gatewayConfigSchema = z
  .strictObject({
    mode: oneOf(['production', 'development'])
      .default('production')
      .describe('`development` also serves introspection and the explorer to anyone.'),
    data: dataSection,
    ledger: ledgerSection,
    keys: keysSection,
    listen: listenSection,
    tls: tlsSection,
    registry: registrySection,
    limits: limitsSection,
    billing: billingSection,
    cors: corsSection,
    logging: loggingSection,
    metrics: metricsSection,
    tracing: tracingSection,
    readiness: readinessSection,
    shutdownGraceMs: integer(0, 600_000)
      .default(10_000)
      .describe('At a stop (SIGINT, SIGTERM), how long in-flight queries may finish, ms.'),
    explorer: oneOf(['sandbox', 'graphiql', 'auto', 'off'])
      .optional()
      .describe(
        'The explorer a browser gets at the GraphQL endpoint: Apollo Sandbox (from its CDN), the bundled GraphiQL (works offline, also at `/explorer`), `auto` (Sandbox when its CDN answers, else GraphiQL) or `off`. Unset: `auto` in development, `off` in production (where introspection is off, so the explorer shows no schema documentation; queries still run).',
      ),
  })
  .superRefine((config, context) => {
    if (config.ledger.kind === 'fabric') {
      const fabric = config.ledger.fabric;
      const required = [
        'endpoint',
        'mspId',
        'certificate',
        'privateKey',
        'channelName',
        'chaincodeName',
      ] as const;
      for (const name of required)
        if (fabric[name] === undefined)
          context.addIssue({
            code: 'custom',
            path: ['ledger', 'fabric', name],
            message: 'required when ledger.kind is fabric',
          });
      if (fabric.transport === 'tls' && fabric.caCertificate === undefined)
        context.addIssue({
          code: 'custom',
          path: ['ledger', 'fabric', 'caCertificate'],
          message: 'required when ledger.fabric.transport is tls',
        });
    }
    if ((config.tls.cert === undefined) !== (config.tls.key === undefined))
      context.addIssue({
        code: 'custom',
        path: ['tls', config.tls.cert === undefined ? 'cert' : 'key'],
        message: 'required with the other of tls.cert and tls.key',
      });
  });

/** The configuration as read: every default applied, paths as written (see `resolveConfigPaths`). */
export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

/** The configuration file as an operator may write it: every member optional. */
export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;
