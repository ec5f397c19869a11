import { parseCommandArgs } from '../cli-options.js';
import type { CliCommand, CliIo } from '../command.js';
import { configFileOption } from './serve-commands.js';

/** How long a rotated key stays published unless `--overlap` says otherwise. */
const DEFAULT_OVERLAP = '7d';

async function keyFileOf(args: readonly string[], extra: Record<string, { type: 'string' }> = {}) {
  const { values } = parseCommandArgs(args, { config: { type: 'string' }, ...extra });
  const gateway = await import('../../../gateway/index.js');
  const loaded = gateway.loadGatewayConfig(configFileOption(values.config));
  const paths = gateway.resolveConfigPaths(loaded.config, loaded.baseDirectory);
  return {
    gateway,
    path: paths.grantKeyFile,
    values: values as Record<string, string | undefined>,
  };
}

async function rotate(args: readonly string[], io: CliIo): Promise<void> {
  const { gateway, path, values } = await keyFileOf(args, { overlap: { type: 'string' } });
  const overlapMs = gateway.parseDuration(values['overlap'] ?? DEFAULT_OVERLAP, '--overlap');
  const { added, retiring } = await gateway.rotateGrantKeyFile(path, overlapMs);
  io.out(`gridmark keys rotate: ${path}\n  new signing key  ${added.kid}\n`);
  for (const key of retiring)
    io.out(`  published until  ${key.retiresAt?.toISOString() ?? '?'}  ${key.kid}\n`);
  io.out(
    'The gateway signs with the new key from its next start (restart gridmark serve); business systems\n' +
      'that read its key set (/.well-known/jwks.json) accept grants by either key meanwhile.\n',
  );
}

async function list(args: readonly string[], io: CliIo): Promise<void> {
  const { gateway, path } = await keyFileOf(args);
  const ring = gateway.readGrantKeyFile(path);
  io.out(`${path}\n`);
  for (const key of ring.published)
    io.out(
      `  ${key === ring.signing ? 'signing  ' : 'published'}  ${key.kid}  created ${key.createdAt.toISOString()}${key.retiresAt ? `  until ${key.retiresAt.toISOString()}` : ''}\n`,
    );
}

const rotateCommand: CliCommand = {
  path: ['keys', 'rotate'],
  summary:
    "add a new grant-signing key; earlier keys stay published in the gateway's key set for the overlap",
  usage:
    `gridmark keys rotate --config <file> [--overlap ${DEFAULT_OVERLAP}]\n` +
    '  --config   the gateway configuration whose keys.grantKeyFile is rotated (default GRIDMARK_CONFIG)\n' +
    `  --overlap  how long earlier keys stay published: 7d, 12h, 30m, 45s (default ${DEFAULT_OVERLAP})\n` +
    '  The file stays mode 0600; one others may read is refused (KEY_FILE_EXPOSED, exit 8).',
  run: rotate,
};

const listCommand: CliCommand = {
  path: ['keys', 'list'],
  summary:
    "list the gateway's published grant keys: the signing key and those still in their overlap",
  usage: 'gridmark keys list --config <file>',
  run: list,
};

/** `gridmark keys ...`: the gateway's grant-signing keys. */
export const commands: readonly CliCommand[] = [rotateCommand, listCommand];
