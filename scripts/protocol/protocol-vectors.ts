import { fileURLToPath } from 'node:url';
import { buildReceipts, type Trade, type TradeReceipt } from '../../ledger-adapter/index.js';
import { canonicalJson, commitField } from '../../schema/index.js';
import { grantVectorFile, sealedGrantVectorFile } from './grant-vectors.js';

/**
 * The protocol's test vectors, built from fixed keys and a fixed time with the protocol's own
 * code, so that every run builds the same bytes. `write-vectors.ts` writes them to
 * `schema/protocol/vectors/` (described in its README.md); a test builds them again and compares
 * with the files, and another checks each vector against the code that reads grants,
 * commitments and receipts.
 */

/** Where the vectors live. */
export const VECTORS_DIRECTORY = fileURLToPath(
  new URL('../../schema/protocol/vectors/', import.meta.url),
);

export type { GrantVector, GrantVectorFile, SealedGrantVectorFile } from './grant-vectors.js';

/** commitments.json. */
export interface CommitmentVectorFile {
  readonly description: string;
  readonly vectors: readonly {
    readonly deviceId: string;
    readonly fieldCode: string;
    readonly salt: string;
    readonly value: unknown;
    readonly canonicalValue: string;
    readonly preimage: string;
    readonly commitment: string;
  }[];
}

/** jcs.json. */
export interface JcsVectorFile {
  readonly description: string;
  readonly vectors: readonly {
    readonly name: string;
    readonly input: string;
    readonly output?: string;
    readonly error?: string;
  }[];
}

/** receipts.json. */
export interface ReceiptVectorFile {
  readonly description: string;
  readonly txId: string;
  readonly merkleRoot: string;
  readonly vectors: readonly {
    readonly trade: Trade;
    readonly canonicalTrade: string;
    readonly receipt: TradeReceipt;
  }[];
}

const SALT = 'c2FsdHNhbHRzYWx0c2FsdA';
const DEVICE = '88.1001.1/PVI-000001';

function commitmentVectorFile(): CommitmentVectorFile {
  const inputs = [
    { deviceId: DEVICE, fieldCode: '88.1001.3.F0001', salt: 'abc', value: 1.5 },
    {
      deviceId: DEVICE,
      fieldCode: '88.1001.3.F0002',
      salt: 'OxZkFVjxEqdFdFwRfUKs7w',
      value: 68593.2,
    },
    { deviceId: DEVICE, fieldCode: '88.1001.5.F0001', salt: SALT, value: 'In service' },
    { deviceId: DEVICE, fieldCode: '88.1001.5.F0002', salt: SALT, value: null },
    { deviceId: DEVICE, fieldCode: '88.1001.4.F0003', salt: SALT, value: true },
    { deviceId: DEVICE, fieldCode: '88.1001.5.F0003', salt: SALT, value: 1e21 },
    {
      deviceId: '88.1001.2/STR-B1-S01',
      fieldCode: '88.1001.2.F0001',
      salt: SALT,
      value: '逆变器 PV 😀',
    },
    {
      deviceId: DEVICE,
      fieldCode: '88.1001.4.F0002',
      salt: 'OxZkFVjxEqdFdFwRfUKs7w',
      value: [{ time: '2024-06-11T02:30:00.000Z', fault: 'Low insulation resistance (0.21 MΩ)' }],
    },
    {
      deviceId: DEVICE,
      fieldCode: '88.1001.4.F0001',
      salt: SALT,
      value: { technician: 'W. Li', remedy: null, time: '2024-06-11T02:30:00.000Z', count: -0 },
    },
  ];
  const part = (text: string) => `${Buffer.byteLength(text)}:${text}`;
  return {
    description:
      'Field commitments: SHA-256 (lower-case hex) of the UTF-8 preimage "28:gridmark/field-commitment/v1" + "<bytes>:<deviceId>" + "<bytes>:<fieldCode>" + "<bytes>:<salt>" + "<bytes>:<canonical JSON of value>".',
    vectors: inputs.map((input) => {
      const canonicalValue = canonicalJson(input.value);
      return {
        ...input,
        canonicalValue,
        preimage: `28:gridmark/field-commitment/v1${part(input.deviceId)}${part(input.fieldCode)}${part(input.salt)}${part(canonicalValue)}`,
        commitment: commitField(input),
      };
    }),
  };
}

function jcsVectorFile(): JcsVectorFile {
  const cases: [string, string][] = [
    [
      'rfc-8785-main-example',
      '{ "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false] }',
    ],
    [
      'utf16-order',
      '{"\\u20ac":1,"\\r":2,"\\ufb33":3,"1":4,"\\ud83d\\ude00":5,"\\u0080":6,"\\u00f6":7}',
    ],
    ['negative-zero', '[-0, 0.0, -0.0e5]'],
    [
      'numbers',
      '[1e21, 1e-7, 123456789012345678901, 5e-324, 1.7976931348623157e308, 9007199254740993, 0.1, 100]',
    ],
    ['nested', '{"b":[{"z":1,"a":{"y":null,"x":[]}}],"a":{}}'],
    ['escapes', '"\\u0000\\u001f\\u007f\\b\\f\\n\\r\\t\\"\\\\\\/\\u2028"'],
  ];
  const refused: [string, string][] = [
    ['lone-high-surrogate', '"\\ud800"'],
    ['lone-low-surrogate', '"a\\udc00b"'],
    ['lone-surrogate-in-a-name', '{"\\ud83d":1}'],
    ['reversed-pair', '"\\ude00\\ud83d"'],
  ];
  return {
    description:
      'RFC 8785 (JCS): "input" is JSON text; parse it, then write it canonically. "output" is the canonical text; "error" means the value must be refused.',
    vectors: [
      ...cases.map(([name, input]) => ({ name, input, output: canonicalJson(JSON.parse(input)) })),
      ...refused.map(([name, input]) => ({ name, input, error: 'BAD_JSON_VALUE' })),
    ],
  };
}

function receiptVectorFile(): ReceiptVectorFile {
  const trades: Trade[] = [1, 2, 3].map((n) => ({
    tradeId: `TRD-${String(n).padStart(8, '0')}`,
    applicationId: 'APP-0001',
    resolutionId: `RES-${String(n).padStart(8, '0')}`,
    function: 'full-lifecycle',
    items: [{ deviceId: DEVICE, fieldCodes: ['88.1001.3.F0001', '88.1001.3.F0002'] }],
    payees: [{ systemCode: '88.1001.3', grossFen: 20 * n, amountFen: 18 * n }],
    platformFeeFen: 2 * n + 1,
    amountFen: 20 * n + 1,
    at: `2025-12-06T05:4${n}:00.000Z`,
  }));
  const { merkleRoot, receipts } = buildReceipts(trades, 'tx-vector-0001');
  return {
    description:
      "Trade receipts of one batch: leaf = SHA-256 (hex) of the trade's canonical JSON; inner node = SHA-256(0x01 || left || right); a node without a sibling moves up unchanged; a proof lists sibling hashes from the leaf up, with their side.",
    txId: 'tx-vector-0001',
    merkleRoot,
    vectors: trades.map((trade, i) => ({
      trade,
      canonicalTrade: canonicalJson(trade),
      receipt: receipts[i] as TradeReceipt,
    })),
  };
}

/** Every vector file by name, as written (JSON, two-space indent, a final newline). */
export function protocolVectorFiles(): Record<string, string> {
  const files: Record<string, unknown> = {
    'grants.json': grantVectorFile(),
    'sealed-grants.json': sealedGrantVectorFile(),
    'commitments.json': commitmentVectorFile(),
    'jcs.json': jcsVectorFile(),
    'receipts.json': receiptVectorFile(),
  };
  return Object.fromEntries(
    Object.entries(files).map(([name, content]) => [name, `${JSON.stringify(content, null, 2)}\n`]),
  );
}
