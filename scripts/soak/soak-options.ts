import { parseArgs } from 'node:util';
import { GridmarkError } from '../../schema/index.js';

/** What `npm run soak` was asked to do. */
export interface SoakOptions {
  readonly minutes: number;
  /** Gateway queries per second (single-device, multi-device and quotes together). */
  readonly rate: number;
  readonly sampleSeconds: number;
  /** Rows of the printed memory table, one per this many seconds. */
  readonly tableSeconds: number;
  /** Requests in flight at most; what is due beyond it is skipped and counted. */
  readonly connections: number;
  /** Charged single-device queries of the disk phase. */
  readonly diskQueries: number;
  /** Rounds of changed readings in the anchoring phase. */
  readonly anchorRounds: number;
  readonly anchorIntervalMs: number;
  /** The JSON result file. */
  readonly out: string;
  /** Keep the temporary data directory (it is kept anyway when a check fails). */
  readonly keepData: boolean;
  /** Extra Node arguments for the gateway's process. */
  readonly gatewayNodeArguments: readonly string[];
}

export const SOAK_USAGE = `usage: npm run soak -- --minutes N [--rate 250] [--sample-seconds 5] [--table-seconds 30] [--connections 64]
       [--disk-queries 10000] [--anchor-rounds 3] [--anchor-interval-seconds 30] [--out data/soak/soak-result.json]
       [--keep-data] [--gateway-node-arg ARG ...]`;

/**
 * Reads the soak's command line.
 *
 * @throws GridmarkError BAD_CONFIGURATION on a missing or malformed option
 */
export function readSoakOptions(args: readonly string[]): SoakOptions {
  const { values } = parseOrRefuse(args);
  if (values.minutes === undefined)
    throw new GridmarkError('BAD_CONFIGURATION', `--minutes is required\n${SOAK_USAGE}`);
  const positive = (name: string, text: string, integer: boolean): number => {
    const value = Number(text);
    if (!/^\d+(\.\d+)?$/.test(text) || value <= 0 || (integer && !Number.isInteger(value))) {
      throw new GridmarkError(
        'BAD_CONFIGURATION',
        `--${name} must be a positive ${integer ? 'integer' : 'number'}, not "${text}"\n${SOAK_USAGE}`,
      );
    }
    return value;
  };
  return {
    minutes: positive('minutes', values.minutes, false),
    rate: positive('rate', values.rate, false),
    sampleSeconds: positive('sample-seconds', values['sample-seconds'], false),
    tableSeconds: positive('table-seconds', values['table-seconds'], false),
    connections: positive('connections', values.connections, true),
    diskQueries: positive('disk-queries', values['disk-queries'], true),
    anchorRounds: positive('anchor-rounds', values['anchor-rounds'], true),
    anchorIntervalMs: Math.max(
      1_000,
      positive('anchor-interval-seconds', values['anchor-interval-seconds'], false) * 1_000,
    ),
    out: values.out,
    keepData: values['keep-data'],
    gatewayNodeArguments: values['gateway-node-arg'],
  };
}

/** The command line parsed; an unknown option or a missing value is BAD_CONFIGURATION. */
function parseOrRefuse(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      options: {
        minutes: { type: 'string' },
        rate: { type: 'string', default: '250' },
        'sample-seconds': { type: 'string', default: '5' },
        'table-seconds': { type: 'string', default: '30' },
        connections: { type: 'string', default: '64' },
        'disk-queries': { type: 'string', default: '10000' },
        'anchor-rounds': { type: 'string', default: '3' },
        'anchor-interval-seconds': { type: 'string', default: '30' },
        out: { type: 'string', default: 'data/soak/soak-result.json' },
        'keep-data': { type: 'boolean', default: false },
        'gateway-node-arg': { type: 'string', multiple: true, default: [] },
      },
    });
  } catch (error) {
    throw new GridmarkError(
      'BAD_CONFIGURATION',
      `${error instanceof Error ? error.message : String(error)}\n${SOAK_USAGE}`,
      { cause: error },
    );
  }
}
