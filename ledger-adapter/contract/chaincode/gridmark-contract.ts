import fabricContractApi, { type Context } from 'fabric-contract-api';
import { anchorVersion, getAnchors, putAnchors } from '../anchor-store.js';
import { parseAnchorCommitments, parseAnchorKeys, requireVouchedReplacement } from '../anchors.js';
import { buildCatalogEntry, parsePutCatalogEntries } from '../catalog.js';
import { canonicalJson } from '../canonical-json.js';
import { ContractState, type ContractClientIdentity, type ContractStub } from '../contract-stub.js';
import { asContractError, ContractError } from '../contract-error.js';
import { buildField, parseRegisterFields } from '../fields.js';
import {
  STATE_TYPES as T,
  type CatalogEntry,
  type FieldRecord,
  type ParsingRule,
  type Resolution,
  type TamperReport,
  type Trade,
} from '../records.js';
import {
  buildResolution,
  parseResolve,
  parseResolveBatch,
  resolveDevices,
  type ResolvedDevices,
} from '../resolution.js';
import { getResolution, putResolutions } from '../resolution-store.js';
import { buildRule, chooseRule, parsePutParsingRule, parseRuleKey } from '../rules.js';
import { buildTamperReport, parseReportTamper, parseTamperQuery, sortReports } from '../tamper.js';
import { TradeReader, putTrades, type TradeRecord } from '../trade-store.js';
import { checkTradeAgainstResolution, parseRecordTrades, sameTrade } from '../trades.js';
import {
  expectArray,
  expectFieldCode,
  expectDeviceId,
  expectRecordId,
  parseArgument,
} from '../validation.js';

// fabric-contract-api is CommonJS and assigns its decorators with Object.assign, which Node's ESM
// loader cannot see as named exports; take them from the module object instead.
const { Contract, Param, Returns, Transaction } = fabricContractApi;

/** The contract's name on the channel (`gridmark:RegisterFields`; it is also the default contract). */
export const CONTRACT_NAME = 'gridmark';

const ARGUMENT = 'One JSON argument, see docs/ledger-contract.md';

function stateOf(ctx: Context): ContractState {
  const stub: ContractStub = ctx.stub;
  return new ContractState(stub);
}

/**
 * The gridmark ledger contract: association catalog, parsing rules, resolutions, anchored field
 * commitments, trade contracts and tamper reports (see docs/ledger-contract.md). The checks and
 * record building live in pure functions beside it; the methods here read, call them, write and
 * emit one event. Deployable unchanged as Node chaincode; the embedded ledger runs it in-process.
 */
export class GridmarkContract extends Contract {
  constructor() {
    super(CONTRACT_NAME);
  }

  /** Every failure leaves as `[CODE] message`, whichever peer runs the contract. */
  // Fabric passes the transaction's name (not a function, as the typings say) and its arguments.
  override async aroundTransaction(
    ctx: Context,
    fn: (...args: never[]) => unknown,
    parameters: unknown,
  ): Promise<void> {
    try {
      return await super.aroundTransaction(ctx, fn, parameters);
    } catch (error) {
      throw asContractError(error);
    }
  }

  override unknownTransaction(ctx: Context): Promise<void> {
    const { fcn } = ctx.stub.getFunctionAndParameters();
    return Promise.reject(
      new ContractError(
        'UNKNOWN_TRANSACTION',
        `the contract has no transaction ${fcn.replace(/[^\x20-\x7e]/g, '?').slice(0, 64)}`,
      ),
    );
  }

  /** Registers (or updates the fee and coordinate of) a system's shareable fields. */
  @Param('argument', 'string', ARGUMENT)
  @Returns('string')
  @Transaction()
  async RegisterFields(ctx: Context, argument: string): Promise<string> {
    const input = parseRegisterFields(parseArgument(argument, 'RegisterFields argument'));
    const state = stateOf(ctx);
    const at = state.at;
    const previous = await state.getMany<FieldRecord>(
      T.field,
      input.fields.map((f) => f.fieldCode),
    );
    for (const field of input.fields)
      await state.put(
        T.field,
        [field.fieldCode],
        buildField(input.systemCode, field, previous.get(field.fieldCode), at),
      );
    const fieldCodes = input.fields.map((f) => f.fieldCode);
    state.emit('FieldsRegistered', { systemCode: input.systemCode, fieldCodes });
    return canonicalJson({ fieldCodes });
  }

  /** Writes association catalog entries: which systems hold which fields of a device. */
  @Param('argument', 'string', ARGUMENT)
  @Returns('string')
  @Transaction()
  async PutCatalogEntries(ctx: Context, argument: string): Promise<string> {
    const input = parsePutCatalogEntries(parseArgument(argument, 'PutCatalogEntries argument'));
    const state = stateOf(ctx);
    const fields = await state.getMany<FieldRecord>(
      T.field,
      input.entries.flatMap((e) => e.holdings.flatMap((h) => h.fieldCodes)),
    );
    const entries = input.entries.map((e) => buildCatalogEntry(e, fields));
    for (const entry of entries) await state.put(T.catalog, [entry.deviceId], entry);
    const deviceIds = entries.map((e) => e.deviceId);
    state.emit('CatalogUpdated', { deviceIds });
    return canonicalJson({ deviceIds });
  }

  /** Sets the fields an application's function needs, for a role (`*` = every role). */
  @Param('argument', 'string', ARGUMENT)
  @Returns('string')
  @Transaction()
  async PutParsingRule(ctx: Context, argument: string): Promise<string> {
    const input = parsePutParsingRule(parseArgument(argument, 'PutParsingRule argument'));
    const state = stateOf(ctx);
    const rule = buildRule(
      input,
      await state.getMany<FieldRecord>(T.field, input.fieldCodes),
      state.txId,
      state.at,
    );
    await state.put(T.rule, [rule.applicationId, rule.function, rule.role], rule);
    state.emit('ParsingRuleChanged', {
      applicationId: rule.applicationId,
      function: rule.function,
      role: rule.role,
    });
    return canonicalJson(rule);
  }

  /** Resolves devices for an application's function and records the resolution. */
  @Param('argument', 'string', ARGUMENT)
  @Returns('string')
  @Transaction()
  async Resolve(ctx: Context, argument: string): Promise<string> {
    const input = parseResolve(parseArgument(argument, 'Resolve argument'));
    const state = stateOf(ctx);
    const rule = await this.#ruleFor(state, input);
    const entries = await state.getMany<CatalogEntry>(T.catalog, rule ? input.deviceIds : []);
    const fields = await state.getMany<FieldRecord>(T.field, rule?.fieldCodes ?? []);
    const resolution = buildResolution(input, rule, entries, fields, state.txId, state.at);
    await putResolutions(state, [resolution]);
    state.emit('Resolved', {
      resolutionId: resolution.resolutionId,
      applicationId: resolution.applicationId,
      function: resolution.function,
      deviceCount: resolution.devices.length,
    });
    return canonicalJson(resolution);
  }

  /**
   * Records many resolutions in one transaction, each under the id its requester chose, with the
   * same result `Resolve` gives. A request without a rule, or whose id is taken, is refused alone.
   */
  @Param('argument', 'string', ARGUMENT)
  @Returns('string')
  @Transaction()
  async ResolveBatch(ctx: Context, argument: string): Promise<string> {
    const { requests } = parseResolveBatch(parseArgument(argument, 'ResolveBatch argument'));
    const state = stateOf(ctx);
    const recorded: string[] = [];
    const refused: { resolutionId: string; code: string }[] = [];
    const taken = await state.getMany<unknown>(
      T.resolution,
      requests.map((r) => r.resolutionId),
    );
    const resolutions: Resolution[] = [];
    // The same rule over the same devices yields the same: computed once per batch (state reads are too).
    const yields = new Map<string, ResolvedDevices>();
    const at = state.at;
    for (const request of requests) {
      if (taken.get(request.resolutionId)) {
        refused.push({ resolutionId: request.resolutionId, code: 'CONFLICT' });
        continue;
      }
      const rule = await this.#ruleFor(state, request);
      if (!rule) {
        refused.push({ resolutionId: request.resolutionId, code: 'NO_RULE' });
        continue;
      }
      const key = [rule.applicationId, rule.function, rule.role, ...request.deviceIds].join(
        '\u0000',
      );
      let resolved = yields.get(key);
      if (!resolved) {
        const entries = await state.getMany<CatalogEntry>(T.catalog, request.deviceIds);
        const fields = await state.getMany<FieldRecord>(T.field, rule.fieldCodes);
        resolved = resolveDevices(request.deviceIds, rule, entries, fields);
        yields.set(key, resolved);
      }
      const { resolutionId, applicationId, function: fn, role } = request;
      resolutions.push({
        resolutionId,
        applicationId,
        function: fn,
        role,
        resolvedAt: at,
        ...resolved,
      });
      recorded.push(resolutionId);
    }
    await putResolutions(state, resolutions);
    state.emit('ResolutionsRecorded', { resolutionIds: recorded });
    return canonicalJson({ recorded, refused });
  }

  /**
   * Anchors a batch of field commitments from one system; each replaces the previous anchor,
   * which for a field whose change policy is `refuse` needs the batch to be `vouched`.
   */
  @Param('argument', 'string', ARGUMENT)
  @Returns('string')
  @Transaction()
  async AnchorCommitments(ctx: Context, argument: string): Promise<string> {
    const input = parseAnchorCommitments(parseArgument(argument, 'AnchorCommitments argument'));
    const state = stateOf(ctx);
    const fields = await state.getMany<FieldRecord>(
      T.field,
      input.commitments.map((c) => c.fieldCode),
    );
    for (const [code, field] of fields) {
      if (!field) throw new ContractError('UNKNOWN_FIELD', `field ${code} is not registered`);
    }
    const anchors: { deviceId: string; fieldCode: string; commitment: string; version: number }[] =
      [];
    for (const c of input.commitments) {
      const previous = await anchorVersion(state, c.deviceId, c.fieldCode);
      requireVouchedReplacement(input, c, previous, fields.get(c.fieldCode));
      anchors.push({
        deviceId: c.deviceId,
        fieldCode: c.fieldCode,
        commitment: c.commitment,
        version: previous + 1,
      });
    }
    // Written only once every commitment passed: the whole batch is refused or anchored.
    await putAnchors(state, anchors);
    state.emit('CommitmentsAnchored', {
      systemCode: input.systemCode,
      keys: input.commitments.map((c) => [c.deviceId, c.fieldCode]),
    });
    return canonicalJson({ count: input.commitments.length, txId: state.txId });
  }

  /** Records trade contracts with Merkle receipts; a repeated identical trade returns its first receipt. */
  @Param('argument', 'string', ARGUMENT)
  @Returns('string')
  @Transaction()
  async RecordTrades(ctx: Context, argument: string): Promise<string> {
    const trades = parseRecordTrades(parseArgument(argument, 'RecordTrades argument'));
    const state = stateOf(ctx);
    const reader = new TradeReader(state);
    const existing = new Map<string, TradeRecord>();
    const fresh: Trade[] = [];
    for (const trade of trades) {
      const recorded = await reader.get(trade.tradeId);
      if (recorded) {
        if (!sameTrade(recorded.trade, trade))
          throw new ContractError(
            'CONFLICT',
            `trade ${trade.tradeId} is already recorded with different content`,
          );
        existing.set(trade.tradeId, recorded);
        continue;
      }
      // ContractState reads each key once per transaction, so trades naming one resolution share its read.
      checkTradeAgainstResolution(trade, await getResolution(state, trade.resolutionId));
      fresh.push(trade);
    }
    const freshReceipts = fresh.length > 0 ? await putTrades(state, fresh) : [];
    const receiptOf = new Map(freshReceipts.map((r) => [r.tradeId, r]));
    state.emit('TradesRecorded', {
      count: fresh.length,
      merkleRoot: freshReceipts[0]?.merkleRoot ?? null,
    });
    const receipts = trades.map(
      (t) => receiptOf.get(t.tradeId) ?? (existing.get(t.tradeId) as TradeRecord).receipt,
    );
    return canonicalJson({ receipts });
  }

  /** Records that a field's content did not match its anchored commitment. */
  @Param('argument', 'string', ARGUMENT)
  @Returns('string')
  @Transaction()
  async ReportTamper(ctx: Context, argument: string): Promise<string> {
    const input = parseReportTamper(parseArgument(argument, 'ReportTamper argument'));
    const state = stateOf(ctx);
    const field = await state.get<FieldRecord>(T.field, [input.fieldCode]);
    if (!field)
      throw new ContractError('UNKNOWN_FIELD', `field ${input.fieldCode} is not registered`);
    if (!(await state.exists(T.anchor, [input.deviceId, input.fieldCode]))) {
      throw new ContractError(
        'NOT_FOUND',
        `no commitment is anchored for field ${input.fieldCode} of ${input.deviceId}`,
      );
    }
    if (!(await state.get<unknown>(T.resolution, [input.resolutionId])))
      throw new ContractError('NOT_FOUND', `resolution ${input.resolutionId} does not exist`);
    const identity: ContractClientIdentity = ctx.clientIdentity;
    const report = buildTamperReport(input, state.txId, state.at, identity.getMSPID());
    await state.put(T.tamper, [report.systemCode, report.reportId], report);
    state.emit('TamperReported', {
      reportId: report.reportId,
      systemCode: report.systemCode,
      deviceId: report.deviceId,
      fieldCode: report.fieldCode,
    });
    return canonicalJson(report);
  }

  /** Registered fields, in the order asked, `null` for an unknown code. */
  @Param('argument', 'string', ARGUMENT)
  @Returns('string')
  @Transaction(false)
  async GetFields(ctx: Context, argument: string): Promise<string> {
    const codes = expectArray(
      parseArgument(argument, 'GetFields argument'),
      'GetFields argument',
      1000,
      true,
    ).map((c, i) => expectFieldCode(c, `GetFields argument[${i}]`));
    const found = await stateOf(ctx).getMany<FieldRecord>(T.field, codes);
    return canonicalJson(codes.map((c) => found.get(c) ?? null));
  }

  /** Catalog entries, in the order asked, `null` for a device the catalog does not hold. */
  @Param('argument', 'string', ARGUMENT)
  @Returns('string')
  @Transaction(false)
  async GetCatalogEntries(ctx: Context, argument: string): Promise<string> {
    const ids = expectArray(
      parseArgument(argument, 'GetCatalogEntries argument'),
      'GetCatalogEntries argument',
      1000,
      true,
    ).map((d, i) => expectDeviceId(d, `GetCatalogEntries argument[${i}]`));
    const found = await stateOf(ctx).getMany<CatalogEntry>(T.catalog, ids);
    return canonicalJson(ids.map((id) => found.get(id) ?? null));
  }

  /** The rule that applies to a role (its own, else the one for `*`), or `null`. */
  @Param('argument', 'string', ARGUMENT)
  @Returns('string')
  @Transaction(false)
  async GetParsingRule(ctx: Context, argument: string): Promise<string> {
    const key = parseRuleKey(parseArgument(argument, 'GetParsingRule argument'));
    return canonicalJson((await this.#ruleFor(stateOf(ctx), key)) ?? null);
  }

  /** The current anchors of `[[deviceId, fieldCode], ...]`, in order, `null` where none. */
  @Param('argument', 'string', ARGUMENT)
  @Returns('string')
  @Transaction(false)
  async GetAnchors(ctx: Context, argument: string): Promise<string> {
    const keys = parseAnchorKeys(parseArgument(argument, 'GetAnchors argument'));
    return canonicalJson((await getAnchors(stateOf(ctx), keys)).map((anchor) => anchor ?? null));
  }

  /** A recorded resolution, or `null`. */
  @Param('argument', 'string', ARGUMENT)
  @Returns('string')
  @Transaction(false)
  async GetResolution(ctx: Context, argument: string): Promise<string> {
    const id = expectRecordId(parseArgument(argument, 'GetResolution argument'), 'resolutionId');
    return canonicalJson((await getResolution(stateOf(ctx), id)) ?? null);
  }

  /** A recorded trade with its receipt, or `null`. */
  @Param('argument', 'string', ARGUMENT)
  @Returns('string')
  @Transaction(false)
  async GetTrade(ctx: Context, argument: string): Promise<string> {
    const id = expectRecordId(parseArgument(argument, 'GetTrade argument'), 'tradeId');
    return canonicalJson((await new TradeReader(stateOf(ctx)).get(id)) ?? null);
  }

  /** The tamper reports made against a system's fields, oldest first. */
  @Param('argument', 'string', ARGUMENT)
  @Returns('string')
  @Transaction(false)
  async GetTamperReports(ctx: Context, argument: string): Promise<string> {
    const { systemCode } = parseTamperQuery(parseArgument(argument, 'GetTamperReports argument'));
    return canonicalJson(
      sortReports(await stateOf(ctx).list<TamperReport>(T.tamper, [systemCode])),
    );
  }

  async #ruleFor(
    state: ContractState,
    key: { applicationId: string; function: string; role: string },
  ): Promise<ParsingRule | undefined> {
    const own = await state.get<ParsingRule>(T.rule, [key.applicationId, key.function, key.role]);
    const every =
      own || key.role === '*'
        ? undefined
        : await state.get<ParsingRule>(T.rule, [key.applicationId, key.function, '*']);
    return chooseRule(own, every);
  }
}
