import { writeFileSync } from 'node:fs';
import QRCode from 'qrcode';
import { GridmarkError, parseIdentifier } from '../../../schema/index.js';
import {
  REGISTRY_OPTIONS,
  onePositional,
  parseCommandArgs,
  required,
  resolveRegistryUrl,
  type RegistryOptionValues,
} from '../cli-options.js';
import type { CliCommand } from '../command.js';

/** The gateway's base URL: `--gateway`, else `GRIDMARK_GATEWAY`, else the registry URL's origin. */
async function gatewayBase(
  values: RegistryOptionValues & { readonly gateway?: string | undefined },
): Promise<string> {
  const base =
    values.gateway ??
    process.env['GRIDMARK_GATEWAY'] ??
    new URL('/', await resolveRegistryUrl(values)).toString();
  return base.endsWith('/') ? base : `${base}/`;
}

/** The resolver URL a device's QR code carries. */
export function resolverUrl(base: string, identifier: string): string {
  return `${base}id/${identifier}`;
}

const idShow: CliCommand = {
  path: ['id', 'show'],
  summary: "resolve an identifier: the device's catalog entry (GET /id/<identifier>)",
  usage: 'gridmark id show <identifier> [--gateway URL]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      gateway: { type: 'string' },
    });
    const identifier = onePositional(positionals, 'identifier');
    parseIdentifier(identifier);
    const base = await gatewayBase(values);
    let response: Response;
    try {
      response = await fetch(resolverUrl(base, identifier), {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(10_000),
      });
    } catch (cause) {
      throw new GridmarkError('SYSTEM_UNAVAILABLE', `the gateway at ${base} did not answer.`, {
        cause,
      });
    }
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    if (!response.ok)
      throw new GridmarkError(
        body.error?.code === 'UNKNOWN_IDENTIFIER' ? 'UNKNOWN_IDENTIFIER' : 'BAD_IDENTIFIER',
        body.error?.message ?? `HTTP ${response.status}`,
      );
    io.out(`${JSON.stringify(body, null, 2)}\n`);
  },
};

const idQr: CliCommand = {
  path: ['id', 'qr'],
  summary: "print an identifier's QR code: in the terminal, or to a .png or .svg file",
  usage:
    'gridmark id qr <identifier> [--out label.png|label.svg] [--plain] [--gateway URL]\n  The code carries the resolver URL <gateway>/id/<identifier>; --plain carries the bare identifier.',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      gateway: { type: 'string' },
      out: { type: 'string' },
      plain: { type: 'boolean', default: false },
    });
    const identifier = onePositional(positionals, 'identifier');
    parseIdentifier(identifier);
    const content = values.plain ? identifier : resolverUrl(await gatewayBase(values), identifier);
    const out = values.out;
    if (out === undefined) {
      io.out(
        await QRCode.toString(content, {
          type: 'terminal',
          small: true,
          errorCorrectionLevel: 'M',
        }),
      );
      io.out(`${content}\n`);
      return;
    }
    if (out.toLowerCase().endsWith('.svg'))
      writeFileSync(
        out,
        await QRCode.toString(content, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
      );
    else if (out.toLowerCase().endsWith('.png'))
      writeFileSync(
        out,
        await QRCode.toBuffer(content, {
          type: 'png',
          errorCorrectionLevel: 'M',
          margin: 2,
          scale: 8,
        }),
      );
    else throw new GridmarkError('BAD_CONFIGURATION', '--out must end in .png or .svg.');
    io.out(`wrote ${out} (${content})\n`);
  },
};

const adminKey: CliCommand = {
  path: ['registry', 'admin-key'],
  summary:
    "mint a platform admin key at the registry's console (local database access), revoking the label's previous one",
  usage: 'gridmark registry admin-key --db <registry.db> [--label console]',
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      db: { type: 'string' },
      label: { type: 'string', default: 'console' },
      authority: { type: 'string', default: '88.1001' },
    });
    // The gateway is loaded only by the commands that need it: every other command starts light.
    const { createRegistry, openSqliteRegistryStore } = await import('../../../gateway/index.js');
    const registry = createRegistry({
      store: openSqliteRegistryStore({ path: required(values.db, 'db') }),
      authorityPrefix: values.authority,
    });
    try {
      io.out(
        `platform admin key for "${values.label}" (shown once):\n${await registry.bootstrapAdminKey(values.label)}\n`,
      );
    } finally {
      await registry.close();
    }
  },
};

/** Identifier resolution, QR labels and the console's admin key. */
export const commands: readonly CliCommand[] = [idShow, idQr, adminKey];
