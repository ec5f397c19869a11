import { GridmarkError, parseIdentifier } from '../../../schema/index.js';
import { REGISTRY_OPTIONS, parseCommandArgs, registryClient, required } from '../cli-options.js';
import type { CliCommand } from '../command.js';
import { readDeviceFile, type DeviceFileRow } from '../device-file.js';
import { sendBatches } from './device-batches.js';

/**
 * Checks every row of a device file on its own and against the file's other rows before anything
 * is sent: syntax, kinds, identifiers, and no local code (or claimed identifier) twice.
 *
 * @throws GridmarkError `BAD_DEVICE_ROW` or `DUPLICATE_IDENTIFIER` naming the file row.
 */
async function checkDeviceRows(
  rows: readonly DeviceFileRow[],
  verb: 'register' | 'claim',
): Promise<void> {
  // The gateway is loaded only by the commands that need it: every other command starts light.
  const { requireKind, requireLocalCode } = await import('../../../gateway/index.js');
  const firstRow = new Map<string, number>();
  const once = (key: string, row: number, what: string, identifier?: string): void => {
    const first = firstRow.get(key);
    if (first !== undefined)
      throw new GridmarkError('DUPLICATE_IDENTIFIER', `row ${row}: ${what} repeats row ${first}.`, {
        details: { row, ...(identifier ? { identifier } : {}) },
      });
    firstRow.set(key, row);
  };
  for (const { row, values: v } of rows) {
    const localCode = requireLocalCode(v['localCode'], row);
    once(`local\u0000${localCode}`, row, `local code ${localCode}`);
    if (verb === 'register') {
      requireKind(v['kind'], row);
      continue;
    }
    const identifier = v['identifier'] ?? '';
    try {
      parseIdentifier(identifier);
    } catch (cause) {
      throw new GridmarkError(
        'BAD_DEVICE_ROW',
        `row ${row}: ${identifier} is not a valid identifier.`,
        { cause, details: { row } },
      );
    }
    once(`id\u0000${identifier}`, row, `identifier ${identifier}`, identifier);
  }
}

const deviceCommand = (verb: 'register' | 'claim'): CliCommand => ({
  path: ['devices', verb],
  summary:
    verb === 'register'
      ? "register the system's own devices from a CSV (localCode,kind) or JSON file; the whole file is checked before anything is written"
      : 'claim devices other systems identified, from a CSV (identifier,localCode) or JSON file; the whole file is checked before anything is written',
  usage: `gridmark devices ${verb} --system <code> --file <devices.csv|.json> [--batch-size 5000] [--registry URL] [--key-file F]`,
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      ...REGISTRY_OPTIONS,
      system: { type: 'string' },
      file: { type: 'string' },
      'batch-size': { type: 'string', default: '5000' },
    });
    const system = required(values.system, 'system');
    const batchSize = Number(values['batch-size']);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
      throw new GridmarkError(
        'BAD_CONFIGURATION',
        '--batch-size must be an integer from 1 to 10000.',
      );
    const columns = verb === 'register' ? ['localCode', 'kind'] : ['identifier', 'localCode'];
    const rows = readDeviceFile(required(values.file, 'file'), columns);
    await checkDeviceRows(rows, verb);
    const client = registryClient(values, { needsKey: true });
    await sendBatches(io, rows, batchSize, async (batch, dryRun) => {
      if (verb === 'register') {
        const { registerDevices } = await client.request<{
          registerDevices: { registered: number; unchanged: number };
        }>(
          'mutation ($code: ID!, $devices: [DeviceInput!]!, $dryRun: Boolean) { registerDevices(systemCode: $code, devices: $devices, dryRun: $dryRun) { registered unchanged } }',
          { code: system, devices: batch.map((r) => r.values), dryRun },
        );
        return registerDevices;
      }
      const { claimDevices } = await client.request<{
        claimDevices: { registered: number; unchanged: number };
      }>(
        'mutation ($code: ID!, $claims: [ClaimInput!]!, $dryRun: Boolean) { claimDevices(systemCode: $code, claims: $claims, dryRun: $dryRun) { registered unchanged } }',
        { code: system, claims: batch.map((r) => r.values), dryRun },
      );
      return claimDevices;
    });
  },
});

/** A system's devices from a file: its own registered, others' claimed, every row checked first. */
export const commands: readonly CliCommand[] = [deviceCommand('register'), deviceCommand('claim')];
