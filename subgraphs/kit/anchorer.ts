import {
  GridmarkError,
  canonicalJson,
  commitField,
  newSalt,
  silentLogger,
  type Logger,
} from '../../schema/index.js';
import type { AnchorJournal, JournalEntry } from './anchor-journal.js';
import type { ChangePolicy, SubgraphDeclaration } from './declaration.js';

/** One of the system's shareable fields as the registry holds it. */
export interface SinkField {
  /** The field identifier code. */
  readonly code: string;
  /** The change policy the field was registered with: the one the gateway and the ledger apply. */
  readonly changePolicy: ChangePolicy;
}

/** A (device, field code) pair on the ledger. */
export type AnchorKey = readonly [deviceId: string, fieldCode: string];

/** Where a business system's commitments go: the ledger, directly or through the aggregator. */
export interface AnchorSink {
  /** This system's shareable fields as registered, by field name. */
  fields(): Promise<ReadonlyMap<string, SinkField>>;
  /** Whether the ledger holds an anchor of each (device, field code) pair, in order. */
  anchored(keys: readonly AnchorKey[]): Promise<readonly boolean[]>;
  /**
   * Anchors a batch; resolves with the ledger transaction once committed. `vouched`: the system
   * vouches for the values from its write path, so they may replace anchors of `refuse` fields
   * (the ledger refuses that otherwise).
   */
  anchor(
    commitments: readonly {
      readonly deviceId: string;
      readonly fieldCode: string;
      readonly commitment: string;
    }[],
    options?: { readonly vouched?: boolean },
  ): Promise<{ readonly txId: string }>;
}

/** A value the anchorer cannot vouch for: the ledger holds an anchor of it, the journal does not. */
export interface UnprovableValue {
  readonly deviceId: string;
  readonly field: string;
  readonly fieldCode: string;
}

/** Options of {@link createAnchorer}. */
export interface AnchorerOptions {
  readonly declaration: SubgraphDeclaration;
  /** Every device identifier the system shares. */
  readonly listDevices: () => Promise<readonly string[]>;
  readonly journal: AnchorJournal;
  readonly sink: AnchorSink;
  readonly logger?: Logger;
  /** Devices read per loader call. */
  readonly batchSize?: number;
  /** Called with the values of each batch that are anchored on the ledger but missing from the journal. */
  readonly onUnprovable?: (values: readonly UnprovableValue[]) => void;
}

/** What an anchoring pass did. */
export interface AnchorPassResult {
  /** Commitments anchored. */
  readonly anchored: number;
  /**
   * Values of `refuse` fields that the ledger holds an anchor of but the journal does not (the
   * journal lost them, or they were deleted from it): not anchored again, since nothing shows
   * they were not edited since; they stay unverifiable until the system vouches for them.
   */
  readonly unprovable: number;
}

/** Commits a business system's field values and anchors the new or changed ones. */
export interface Anchorer {
  /**
   * Anchors the current values of `deviceIds`, changed ones included: the business system calls
   * this from its own write path, which vouches for the change (the ledger is told so).
   */
  anchorNow(deviceIds: readonly string[]): Promise<AnchorPassResult>;
  /**
   * One scheduled pass over every device: anchors values never anchored, and changed values of
   * fields whose policy is `release-unverified`. A changed value of a `refuse` field is left as
   * it is, so an edit behind the system's back stays detectable as tampering; so is a value the
   * journal does not know but the ledger has an anchor of (it is reported, not anchored).
   */
  anchorPass(): Promise<AnchorPassResult>;
  /** Anchors every `intervalMs` (a pass at a time), until stopped. */
  start(intervalMs: number): void;
  stop(): Promise<void>;
}

type Pending = Omit<JournalEntry, 'txId' | 'anchoredAt'>;

/** A value the journal holds no usable entry for: new, unless the ledger says otherwise. */
interface Unjournaled {
  readonly entry: Pending;
  readonly policy: ChangePolicy;
}

/** A declared field with its registered code and change policy. */
interface RegisteredField extends SinkField {
  readonly name: string;
}

/** How long the list of unprovable values in one log line may get. */
const LOGGED_VALUES = 20;

/**
 * Reads the system's values through its own batch loader, commits to each (device, field) with a
 * fresh salt when the value is new or changed, anchors the commitments in batches and records the
 * salts in the journal only once the ledger has them. An unchanged value keeps its salt and costs
 * no ledger space. The business system calls {@link Anchorer.anchorNow} after it writes; the
 * scheduled passes anchor what is new and what its policy lets change. A value is new only when
 * the ledger holds no anchor of it: the journal alone does not decide that, since a journal row
 * can be lost or deleted. Policies and codes are the registered ones, not the declaration's.
 */
export function createAnchorer(options: AnchorerOptions): Anchorer {
  return new FieldAnchorer(options);
}

const NOTHING_DONE: AnchorPassResult = { anchored: 0, unprovable: 0 };

/** The {@link Anchorer}: passes run one at a time, each over its devices in batches. */
class FieldAnchorer implements Anchorer {
  readonly #options: AnchorerOptions;
  readonly #logger: Logger;
  readonly #batchSize: number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<AnchorPassResult> | undefined;

  constructor(options: AnchorerOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.#batchSize = options.batchSize ?? 500;
  }

  anchorNow(deviceIds: readonly string[]): Promise<AnchorPassResult> {
    return this.#queue(deviceIds);
  }

  anchorPass(): Promise<AnchorPassResult> {
    return this.#queue(undefined);
  }

  start(intervalMs: number): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      this.#queue(undefined).catch((error: unknown) =>
        this.#logger.warn(
          `anchoring failed, will retry: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    }, intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => undefined);
  }

  #queue(deviceIds: readonly string[] | undefined): Promise<AnchorPassResult> {
    // One pass at a time: a pass asked for during another runs after it.
    const next = (this.#running ?? Promise.resolve(NOTHING_DONE))
      .catch(() => NOTHING_DONE)
      .then(() => this.#pass(deviceIds));
    this.#running = next.finally(() => {
      if (this.#running === next) this.#running = undefined;
    });
    return next;
  }

  /** A pass over `only` (vouched for by the system's write path), or over every device. */
  async #pass(only: readonly string[] | undefined): Promise<AnchorPassResult> {
    const { declaration, sink } = this.#options;
    const registered = await sink.fields();
    const fields = declaration.fields.flatMap((f) => {
      const field = registered.get(f.name);
      return field ? [{ name: f.name, ...field }] : [];
    });
    if (fields.length === 0) return { anchored: 0, unprovable: 0 };
    const vouched = only !== undefined;
    const ids = only ?? (await this.#options.listDevices());
    let anchored = 0;
    let unprovable = 0;
    for (let i = 0; i < ids.length; i += this.#batchSize) {
      const batch = await this.#anchorBatch(ids.slice(i, i + this.#batchSize), fields, vouched);
      anchored += batch.anchored;
      unprovable += batch.unprovable;
    }
    if (anchored > 0)
      this.#logger.info(`anchored ${anchored} field commitments of ${declaration.name}`);
    return { anchored, unprovable };
  }

  /** Commits to one batch of devices' values and anchors the new or changed ones. */
  async #anchorBatch(
    chunk: readonly string[],
    fields: readonly RegisteredField[],
    vouched: boolean,
  ): Promise<AnchorPassResult> {
    const { declaration, journal, sink } = this.#options;
    const records = await declaration.loadDevices(chunk);
    const { pending, unjournaled, uncommittable } = changedValues(
      records,
      journal.lookup(chunk),
      fields,
      vouched,
    );
    if (uncommittable.length > 0)
      this.#logger.warn(
        `${uncommittable.length} values of ${declaration.name} have no canonical JSON (RFC 8785: a string holds a lone surrogate) and are not anchored: ${uncommittable.slice(0, LOGGED_VALUES).join(', ')}`,
      );
    const lost = vouched ? new Set<Unjournaled>() : await anchoredAlready(sink, unjournaled);
    for (const u of unjournaled) {
      if (!lost.has(u) || u.policy === 'release-unverified') pending.push(u.entry);
    }
    const unproven = [...lost]
      .filter((u) => u.policy === 'refuse')
      .map((u) => ({
        deviceId: u.entry.deviceId,
        field: u.entry.field,
        fieldCode: u.entry.fieldCode,
      }));
    if (unproven.length > 0) this.#report(unproven);
    if (pending.length === 0) return { anchored: 0, unprovable: unproven.length };
    const { txId } = await sink.anchor(
      pending.map((p) => ({
        deviceId: p.deviceId,
        fieldCode: p.fieldCode,
        commitment: p.commitment,
      })),
      vouched ? { vouched: true } : {},
    );
    const at = new Date().toISOString();
    journal.record(pending.map((p) => ({ ...p, txId, anchoredAt: at })));
    return { anchored: pending.length, unprovable: unproven.length };
  }

  #report(values: readonly UnprovableValue[]): void {
    const named = values
      .slice(0, LOGGED_VALUES)
      .map((v) => `${v.deviceId} ${v.field}`)
      .join(', ');
    const more = values.length > LOGGED_VALUES ? ` and ${values.length - LOGGED_VALUES} more` : '';
    this.#logger.warn(
      `${values.length} values of ${this.#options.declaration.name} are anchored on the ledger but missing from the anchor journal, so nothing shows they are unchanged; they are not anchored again and stay unverifiable until the system vouches for them (anchorNow): ${named}${more}`,
    );
    this.#options.onUnprovable?.(values);
  }
}

/**
 * Sorts the values of one batch: `pending` are changed values the journal knows that may be
 * anchored again (any, when vouched; else those of `release-unverified` fields); `unjournaled`
 * are values the journal holds no entry of under the field's registered code.
 */
function changedValues(
  records: ReadonlyMap<string, Readonly<Record<string, unknown>>>,
  journal: ReturnType<AnchorJournal['lookup']>,
  fields: readonly RegisteredField[],
  vouched: boolean,
): { pending: Pending[]; unjournaled: Unjournaled[]; uncommittable: string[] } {
  const pending: Pending[] = [];
  const unjournaled: Unjournaled[] = [];
  const uncommittable: string[] = [];
  for (const [deviceId, record] of records) {
    for (const field of fields) {
      const value = record[field.name] ?? null;
      if (!hasCanonicalJson(value)) {
        uncommittable.push(`${deviceId} ${field.name}`);
        continue;
      }
      const known = journal.get(deviceId, field.name);
      const entry = (salt = newSalt()): Pending => ({
        deviceId,
        field: field.name,
        fieldCode: field.code,
        salt,
        commitment: commitField({ deviceId, fieldCode: field.code, salt, value }),
      });
      if (!known || known.fieldCode !== field.code) {
        unjournaled.push({ entry: entry(), policy: field.changePolicy });
        continue;
      }
      if (
        commitField({ deviceId, fieldCode: field.code, salt: known.salt, value }) ===
        known.commitment
      )
        continue;
      if (!vouched && field.changePolicy === 'refuse') continue;
      pending.push(entry());
    }
  }
  return { pending, unjournaled, uncommittable };
}

/**
 * False for a value no commitment can be made to (a string holding a lone surrogate): it is left
 * unanchored, so the gateway withholds it, rather than stopping the pass for every other value.
 */
function hasCanonicalJson(value: unknown): boolean {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return true;
  try {
    canonicalJson(value);
    return true;
  } catch (error) {
    if (error instanceof GridmarkError && error.code === 'BAD_JSON_VALUE') return false;
    throw error;
  }
}

/** The values among `unjournaled` that the ledger already holds an anchor of. */
async function anchoredAlready(
  sink: AnchorSink,
  unjournaled: readonly Unjournaled[],
): Promise<Set<Unjournaled>> {
  if (unjournaled.length === 0) return new Set();
  const anchored = await sink.anchored(
    unjournaled.map((u) => [u.entry.deviceId, u.entry.fieldCode] as const),
  );
  return new Set(unjournaled.filter((_, i) => anchored[i] === true));
}
