import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReceipt, type Caller } from '../../gateway/index.js';
import {
  MAKER_FIELDS,
  SCADA_FIELDS,
  startChargedNetwork,
  type ChargedNetwork,
  type Reply,
} from './charged-network.js';

/**
 * Random operations against random rules, over HTTP through a real gateway with access control
 * and charging: aliases, named and inline fragments, `@include`/`@skip` with literal and variable
 * conditions, variables with and without defaults, `device` and `devices` over several devices
 * (one of them unknown). On every real response: no value outside the rule is released, and every
 * value released is in the query's resolution on the ledger and, when VERIFIED, in its charge.
 */
const RUNS = 200;
const ADMIN: Caller = { role: 'PLATFORM_ADMIN', keyId: 'test', label: 'test' };
const FIELDS = [...MAKER_FIELDS, ...SCADA_FIELDS] as const;
type FieldName = (typeof FIELDS)[number];
/** What a selection of each field looks like (object-valued fields need a subselection). */
const SELECTION: Readonly<Record<FieldName, string>> = {
  model: 'model',
  brand: 'brand',
  ratedPowerW: 'ratedPowerW',
  outputPowerW: 'outputPowerW',
  online: 'online',
  events: 'events@ { code at }',
};
/** Where a field's own directive goes in its text: after its name and arguments, before its selections. */
const AT = '@';

type Condition =
  | { readonly kind: 'none' }
  | { readonly kind: 'literal'; readonly directive: 'include' | 'skip'; readonly value: boolean }
  | {
      readonly kind: 'variable';
      readonly directive: 'include' | 'skip';
      readonly value: boolean;
      readonly defaulted: boolean;
    };
type Wrap = 'none' | 'inline' | 'fragment';
interface FieldSpec {
  readonly name: FieldName;
  readonly alias: boolean;
  readonly wrap: Wrap;
  readonly condition: Condition;
}
/** How a root field's identifiers are given. */
type Argument = 'literal' | 'variable' | 'default' | 'overridden-default';
interface RootSpec {
  readonly kind: 'device' | 'devices';
  readonly devices: readonly number[];
  /** `devices(ids:)` given one identifier where a list is expected. */
  readonly single: boolean;
  readonly argument: Argument;
  readonly wrap: Wrap;
  readonly condition: Condition;
  readonly fields: readonly FieldSpec[];
}

const condition: fc.Arbitrary<Condition> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'none' } as const) },
  fc.record({
    kind: fc.constant('literal' as const),
    directive: fc.constantFrom('include' as const, 'skip' as const),
    value: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('variable' as const),
    directive: fc.constantFrom('include' as const, 'skip' as const),
    value: fc.boolean(),
    defaulted: fc.boolean(),
  }),
);
const wrap = fc.constantFrom<Wrap>('none', 'none', 'inline', 'fragment');
const field: fc.Arbitrary<FieldSpec> = fc.record({
  name: fc.constantFrom(...FIELDS),
  alias: fc.boolean(),
  wrap,
  condition,
});
const root: fc.Arbitrary<RootSpec> = fc.record({
  kind: fc.constantFrom('device' as const, 'devices' as const),
  // Index 4 is a well-formed identifier no system holds.
  devices: fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 }),
  single: fc.boolean(),
  argument: fc.constantFrom<Argument>('literal', 'variable', 'default', 'overridden-default'),
  wrap,
  condition,
  fields: fc.array(field, { minLength: 1, maxLength: 4 }),
});
const operation = fc.array(root, { minLength: 1, maxLength: 3 });
/** A rule: a non-empty subset of the six fields, as a bit mask. */
const rule = fc.integer({ min: 1, max: (1 << FIELDS.length) - 1 });

/** An operation's text and variables, and the response key of every field selected on a device. */
interface Built {
  readonly query: string;
  readonly variables: Record<string, unknown>;
  /** Response key to field name, for the keys that carry a business field. */
  readonly keys: ReadonlyMap<string, FieldName>;
  readonly selected: ReadonlySet<FieldName>;
}

/** Writes an operation; every variable, fragment and alias gets a name of its own. */
function build(roots: readonly RootSpec[], ids: readonly string[]): Built {
  const definitions: string[] = [];
  const variables: Record<string, unknown> = {};
  const fragments: string[] = [];
  const keys = new Map<string, FieldName>();
  const selected = new Set<FieldName>();
  let n = 0;
  const directive = (c: Condition): string => {
    if (c.kind === 'none') return '';
    if (c.kind === 'literal') return ` @${c.directive}(if: ${String(c.value)})`;
    const name = `c${++n}`;
    definitions.push(`$${name}: Boolean!${c.defaulted ? ` = ${String(c.value)}` : ''}`);
    if (!c.defaulted) variables[name] = c.value;
    return ` @${c.directive}(if: $${name})`;
  };
  const wrapped = (w: Wrap, on: string, text: string, c: Condition): string => {
    const bare = text.replace(AT, '');
    if (w === 'inline') return `... on ${on}${directive(c)} { ${bare} }`;
    if (w === 'fragment') {
      const name = `F${++n}`;
      fragments.push(`fragment ${name} on ${on} { ${bare} }`);
      return `...${name}${directive(c)}`;
    }
    return text.includes(AT) ? text.replace(AT, directive(c)) : `${text}${directive(c)}`;
  };
  const argument = (spec: RootSpec): string => {
    const chosen = spec.devices.map((i) => ids[i] ?? '');
    const value: string | string[] =
      spec.kind === 'device' || spec.single ? (chosen[0] ?? '') : chosen;
    const type = spec.kind === 'device' ? 'ID!' : '[ID!]!';
    if (spec.argument === 'literal') return JSON.stringify(value);
    const name = `v${++n}`;
    if (spec.argument === 'variable') {
      definitions.push(`$${name}: ${type}`);
      variables[name] = value;
    } else {
      definitions.push(`$${name}: ${type} = ${JSON.stringify(value)}`);
      // Sent in place of the default: the same identifiers, so that the rest of the check holds.
      if (spec.argument === 'overridden-default') variables[name] = value;
    }
    return `$${name}`;
  };
  const rootTexts = roots.map((spec) => {
    const fields = spec.fields.map((f) => {
      selected.add(f.name);
      const key = f.alias ? `k${++n}_${f.name}` : f.name;
      keys.set(key, f.name);
      return wrapped(
        f.wrap,
        'Device',
        `${f.alias ? `${key}: ` : ''}${SELECTION[f.name]}`,
        f.condition,
      );
    });
    const text = `r${++n}: ${spec.kind}(${spec.kind === 'device' ? 'id' : 'ids'}: ${argument(spec)})${AT} { id ${fields.join(' ')} }`;
    return wrapped(spec.wrap, 'Query', text, spec.condition);
  });
  const head =
    definitions.length > 0 ? `query Generated(${definitions.join(', ')})` : 'query Generated';
  return {
    query: [`${head} { ${rootTexts.join(' ')} }`, ...fragments].join('\n'),
    variables,
    keys,
    selected,
  };
}

/** The (device, field) pairs whose values a response's data carries. */
function releasedPairs(
  data: Record<string, unknown>,
  keys: ReadonlyMap<string, FieldName>,
): { device: string; field: FieldName }[] {
  const pairs: { device: string; field: FieldName }[] = [];
  const devices = Object.values(data).flatMap((value): unknown[] =>
    Array.isArray(value) ? (value as unknown[]) : [value],
  ) as (Record<string, unknown> | null)[];
  for (const device of devices) {
    if (!device) continue;
    for (const [key, value] of Object.entries(device)) {
      const name = keys.get(key);
      if (name !== undefined && value !== null && value !== undefined)
        pairs.push({ device: String(device['id']), field: name });
    }
  }
  return pairs;
}

let network: ChargedNetwork;
let appId = '';
let headers: Readonly<Record<string, string>> = {};
/** The functions whose rules are published, by field mask. */
const published = new Set<number>();
let ran = 0;

beforeAll(async () => {
  network = await startChargedNetwork();
  ({ appId, headers } = await network.application('property', ['model']));
}, 60_000);

afterAll(async () => {
  process.stdout.write(
    `released-values property: ${ran} generated operations sent over HTTP and checked\n`,
  );
  await network.stop();
});

/** The headers of the application acting under the rule `mask`, published on first use. */
async function ruleHeaders(mask: number): Promise<Readonly<Record<string, string>>> {
  if (!published.has(mask)) {
    const fieldCodes = FIELDS.filter((_, i) => mask & (1 << i)).map(
      (f) => network.codes.get(f) ?? f,
    );
    await network.registry.publishRule(ADMIN, {
      appId,
      function: `rule-${mask}`,
      role: '*',
      fieldCodes,
    });
    published.add(mask);
  }
  return { ...headers, 'x-gridmark-function': `rule-${mask}` };
}

/** Checks one real response against the rule, the ledger's record of its resolution, and its charge. */
async function check(reply: Reply, built: Built, granted: ReadonlySet<string>): Promise<void> {
  const outside = [...built.selected].filter((f) => !granted.has(f));
  if (outside.length > 0) {
    // Selected anywhere (even under a skipped directive), a field the rule does not grant refuses the whole operation.
    expect(reply.status, JSON.stringify(reply)).toBe(403);
    expect(reply.errors?.[0]?.extensions?.['code']).toBe('FIELD_NOT_PERMITTED');
    expect(reply.data ?? null).toBeNull();
    return;
  }
  expect(reply.status, JSON.stringify(reply)).toBe(200);
  const pairs = releasedPairs(reply.data ?? {}, built.keys);
  for (const { field } of pairs)
    expect(granted.has(field), `Device.${field} released outside the rule`).toBe(true);
  if (pairs.length === 0) return;
  const receipt = new Map(
    readReceipt(reply.extensions?.gridmark).map((v) => [`${v.device} ${v.field}`, v]),
  );
  const id = reply.extensions?.gridmark?.resolution?.id ?? '';
  const resolution = await network.recordedResolution(id);
  expect(resolution, `resolution ${id} on the ledger`).not.toBeNull();
  const resolved = new Set(
    resolution?.devices.flatMap((d) => d.fields.map((f) => `${d.deviceId} ${f.fieldCode}`)),
  );
  const charged = new Set(
    (reply.extensions?.gridmark?.charge?.items ?? []).flatMap((i) =>
      i.fieldCodes.map((c) => `${i.deviceId} ${c}`),
    ),
  );
  for (const { device, field } of pairs) {
    const line = receipt.get(`${device} ${field}`);
    expect(line?.status, `Device.${field} of ${device} in the receipt`).toMatch(
      /^(VERIFIED|UNVERIFIED)$/,
    );
    const pair = `${device} ${network.codes.get(field) ?? ''}`;
    expect(resolved.has(pair), `Device.${field} of ${device} in the recorded resolution`).toBe(
      true,
    );
    if (line?.status === 'VERIFIED')
      expect(charged.has(pair), `Device.${field} of ${device} in the charge`).toBe(true);
  }
}

describe('released values', () => {
  it(`stay inside the rule and are resolved, recorded and charged (${RUNS} generated operations)`, async () => {
    const ids = [...network.devices, '88.1001.1/NOPE-1'];
    await fc.assert(
      fc.asyncProperty(operation, rule, async (roots, mask) => {
        const built = build(roots, ids);
        const granted = new Set(FIELDS.filter((_, i) => mask & (1 << i)));
        const reply = await network.post(
          { query: built.query, variables: built.variables },
          await ruleHeaders(mask),
        );
        ran += 1;
        await check(reply, built, granted);
      }),
      { numRuns: RUNS, seed: Number(process.env['PROPERTY_SEED'] ?? Date.now() % 2_147_483_647) },
    );
    expect(ran).toBeGreaterThanOrEqual(RUNS);
  }, 120_000);
});
