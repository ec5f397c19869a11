import { commitField } from '../../schema/index.js';
import { entityAt, errorsAt, firstError, printable, refusalReasons } from './answer-reading.js';
import { fieldNames, type CheckContext } from './check-context.js';
import { fail, pass, skip, type CheckResult } from './conformance-report.js';
import { entitiesQuery, representationsOf } from './device-schema.js';
import type { LedgerAnchor, RegisteredField } from './registry-reader.js';
import type { GraphqlBody } from './system-client.js';

/** How many held devices the proof check asks for. */
const PROOF_DEVICES = 20;

/** One value served with a valid grant, and its proof. */
interface ServedValue {
  readonly deviceId: string;
  readonly field: string;
  /** The value the commitment is over: the whole value of an object field. */
  readonly value: unknown;
  readonly code: string | undefined;
  readonly salt: string | undefined;
}

interface ProofsShape {
  readonly fields?: Readonly<Record<string, { readonly code?: unknown }>>;
  readonly salts?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly values?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/**
 * With a valid grant, every value served comes with a proof in `extensions.gridmark.proofs`
 * whose salt hashes, with the value, to the commitment anchored on the ledger (read through the
 * registry API). A changed value of a `RELEASE_UNVERIFIED` field is counted, not failed: the
 * gateway releases it as unverified.
 */
export async function proofsCheck(context: CheckContext): Promise<CheckResult> {
  const name = 'proofs-match-anchors';
  const devices = context.devices.slice(0, PROOF_DEVICES);
  const grant = context.minter.sign(context.minter.claims(devices, fieldNames(context)));
  const { body } = await context.client.post(
    name,
    entitiesQuery(context.schema.fields),
    { representations: representationsOf(devices) },
    grant,
  );
  const refused = refusalReasons(errorsAt(body));
  if (refused.length > 0) return fail(name, `refused a valid grant (GRANT_REFUSED ${refused[0]})`);
  const served = servedValuesOf(context, body, devices);
  const unproven = served.find(
    (v) => v.value !== null && (v.salt === undefined || v.code === undefined),
  );
  if (unproven)
    return fail(
      name,
      `served ${unproven.deviceId} ${unproven.field} without a proof (salt and field code)`,
    );
  const proven = served.filter((v) => v.salt !== undefined && v.code !== undefined);
  if (proven.length === 0)
    return fail(name, `served no value with a proof (${firstError(body.errors ?? [])})`);
  if (!context.registry)
    return skip(
      name,
      `${proven.length} value(s) carry proofs; no registry given to read their anchors`,
    );
  const registered = new Map(
    (await context.registry.fields(context.systemCode)).map((f) => [f.code, f]),
  );
  const anchors = await context.registry.anchors(
    proven.map((v) => ({ deviceId: v.deviceId, fieldCode: v.code ?? '' })),
  );
  return judgeProofs(name, context, proven, anchors, registered);
}

function judgeProofs(
  name: string,
  context: CheckContext,
  proven: readonly ServedValue[],
  anchors: readonly (LedgerAnchor | null)[],
  registered: ReadonlyMap<string, RegisteredField>,
): CheckResult {
  let changed = 0;
  for (const [i, v] of proven.entries()) {
    const code = v.code ?? '';
    const field = registered.get(code);
    if (
      !field ||
      field.name !== v.field ||
      (context.systemCode && field.systemCode !== context.systemCode)
    )
      return fail(
        name,
        `proves ${v.deviceId} ${v.field} under field code ${printable(code)}, not a code registered for it`,
      );
    const anchor = anchors[i];
    if (!anchor)
      return fail(
        name,
        `${v.deviceId} ${v.field} (${printable(code)}) has no anchor on the ledger`,
      );
    let commitment: string;
    try {
      commitment = commitField({
        deviceId: v.deviceId,
        fieldCode: code,
        salt: v.salt ?? '',
        value: v.value,
      });
    } catch (error) {
      return fail(
        name,
        `${v.deviceId} ${v.field}: the value cannot be committed to (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    if (commitment === anchor.commitment) continue;
    if (field.changePolicy === 'RELEASE_UNVERIFIED') {
      changed++;
      continue;
    }
    return fail(
      name,
      `${v.deviceId} ${v.field}: value and salt do not hash to the anchored commitment (ledger tx ${anchor.txId})`,
    );
  }
  const note =
    changed > 0 ? `; ${changed} release-unverified value(s) changed since their anchor` : '';
  return pass(
    name,
    `${proven.length - changed} value(s) hash to their anchors on the ledger${note}`,
  );
}

function servedValuesOf(
  context: CheckContext,
  body: GraphqlBody,
  devices: readonly string[],
): ServedValue[] {
  const gridmark = body.extensions?.['gridmark'] as { proofs?: ProofsShape } | undefined;
  const proofs: ProofsShape = gridmark?.proofs ?? {};
  const served: ServedValue[] = [];
  for (const [i, deviceId] of devices.entries()) {
    const entry = entityAt(body, i);
    if (!entry) continue;
    for (const field of context.schema.fields) {
      if (!(field.name in entry)) continue;
      const whole = proofs.values?.[deviceId]?.[field.name];
      const salt = proofs.salts?.[deviceId]?.[field.name];
      const code = proofs.fields?.[field.name]?.code;
      served.push({
        deviceId,
        field: field.name,
        value: field.object && whole !== undefined ? whole : entry[field.name],
        salt: typeof salt === 'string' ? salt : undefined,
        code: typeof code === 'string' ? code : undefined,
      });
    }
  }
  return served;
}
