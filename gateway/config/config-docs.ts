import { configSettings, type ConfigSetting } from './config-settings.js';

/** The first lines of docs/configuration.md, before the generated table. */
const PREAMBLE = `# Configuration

\`gridmark serve --config <file>\` runs a gateway from one configuration file, YAML or JSON (a
\`.json\` file is read as JSON). \`gridmark init\` writes a commented starter file. Every setting
has a default and an environment variable that overrides the file (a variable set to the empty
string counts as unset; lists are comma-separated; booleans are \`true\` or \`false\`). Relative
paths are relative to the configuration file's directory; the stores' paths are relative to
\`data.directory\`, the key files' to \`keys.directory\`.

The file is validated against one schema (\`gateway/config/config-schema.ts\`) before anything
is opened. A setting the schema does not know is refused, not ignored, and every refusal names
the setting (and the variable, when one set it), with the code \`BAD_CONFIGURATION\` (exit 2):

    gridmark: [BAD_CONFIGURATION] /etc/gridmark/gateway.yaml: listen.port (from GRIDMARK_LISTEN_PORT): expected an integer from 0 to 65535

A missing or unreadable store stops \`serve\` naming the file (\`DATA_FILE_MISSING\`,
\`DATA_FILE_UNREADABLE\`, exit 8); \`serve\` never creates or seeds a store: \`gridmark init\`
does, once. The grant key file must be mode 0600 (\`KEY_FILE_EXPOSED\`, exit 8, otherwise).

What the \`logging\`, \`metrics\`, \`tracing\`, \`readiness\` and \`shutdownGraceMs\` settings turn on
(log fields, metrics, spans, \`/metrics\`, \`/readyz\`, the drain at a stop) is described in
[observability.md](observability.md).

## Grant keys

The gateway signs grants with the newest key of \`keys.grantKeyFile\` and publishes every key
not yet retired as a JSON Web Key Set at \`/.well-known/jwks.json\` (\`kty: OKP\`, \`crv: Ed25519\`,
\`kid\`, \`alg: EdDSA\`, \`use: sig\`; the signing key first); \`/.well-known/gridmark/gateway-key.pem\`
serves the signing key's PEM. \`gridmark keys rotate --config <file> [--overlap 7d]\` adds a new key
and keeps the earlier ones published until the overlap ends; the gateway signs with the new key
from its next start. Business systems accept a grant signed by any key of the set.

## Licences

gridmark is Apache-2.0, but the federation engine \`gridmark serve\` runs (\`@apollo/gateway\`,
\`@apollo/composition\` and three packages installed with them) is under the Elastic License 2.0.
Running a gateway for your own organisation is use the licence grants; offering it to third
parties as a hosted or managed service whose users get a substantial set of its features is what
the licence's first limitation forbids. [licensing.md](licensing.md) says what that means
in detail, and \`npm run licenses\` lists every runtime dependency's licence.

## Settings

This table is generated from the schema; a test keeps it in step.

| Setting | Environment variable | Default | Meaning |
|---|---|---|---|
`;

function defaultText(setting: ConfigSetting): string {
  if (setting.defaultValue === undefined) return '(unset)';
  if (Array.isArray(setting.defaultValue))
    return setting.defaultValue.length === 0 ? '`[]`' : `\`${setting.defaultValue.join(',')}\``;
  return `\`${JSON.stringify(setting.defaultValue).replace(/^"(.*)"$/, '$1')}\``;
}

function meaning(setting: ConfigSetting): string {
  const choices = setting.choices
    ? ` One of ${setting.choices.map((c) => `\`${c}\``).join(', ')}.`
    : '';
  return `${setting.description}${choices}`.replaceAll('|', '\\|');
}

/** docs/configuration.md as the schema defines it: every setting, its variable and its default. */
export function renderConfigurationDoc(): string {
  const rows = configSettings().map(
    (s) => `| \`${s.path}\` | \`${s.env}\` | ${defaultText(s)} | ${meaning(s)} |`,
  );
  return `${PREAMBLE}${rows.join('\n')}\n`;
}
