import type { ContractRunner, TransactionOutcome } from '../contract-runtime.js';
// The contract's door does not load fabric-contract-api; the decorated class comes through load-contract.
import { canonicalBytes, ContractError } from '../contract/index.js';
import { GridmarkContract } from './load-contract.js';
import { LocalClientIdentity, LocalStub } from './local-stub.js';

interface TransactionMetadata {
  readonly name: string;
  readonly tag?: readonly string[];
  readonly parameters?: readonly unknown[];
}

// reflect-metadata (loaded by fabric-contract-api) adds getMetadata to the global Reflect.
const reflect = Reflect as unknown as { getMetadata(key: string, target: object): unknown };

/**
 * Describes the transactions of the contract as fabric-contract-api recorded them from the
 * decorators: name, whether it submits, and how many arguments it takes.
 */
export function describeContractTransactions(): readonly {
  readonly name: string;
  readonly submit: boolean;
  readonly arity: number;
}[] {
  const recorded = (reflect.getMetadata('fabric:transactions', GridmarkContract.prototype) ??
    []) as TransactionMetadata[];
  return recorded.map((t) => ({
    name: t.name,
    submit: t.tag?.includes('SUBMIT') ?? false,
    arity: t.parameters?.length ?? 0,
  }));
}

const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();

/**
 * Creates a {@link ContractRunner} for the gridmark contract: it dispatches a transaction the way
 * Fabric's Node chaincode runtime does (the decorators' metadata names the transactions and their
 * arguments; `beforeTransaction`, `aroundTransaction`, `afterTransaction` run in turn) through a
 * local stub that records the read/write set and the event. A refusal is an outcome with status
 * `ERROR` and the contract's `[CODE] message`, never a thrown error; its writes and event are
 * dropped.
 *
 * @example
 * const run = createContractRunner();
 * const outcome = await run(worldState, { transaction: 'GetFields', args: ['["88.1001.3.F0001"]'], txId, timestamp: new Date(), creator });
 */
export function createContractRunner(): ContractRunner {
  const contract = new GridmarkContract();
  const transactions = new Map(describeContractTransactions().map((t) => [t.name, t]));
  return async (state, input) => {
    const stub = new LocalStub(state, input);
    const ctx = contract.createContext();
    // The two members Fabric's runtime injects into the context before every transaction.
    Object.assign(ctx, { stub, clientIdentity: new LocalClientIdentity(input.creator) });
    try {
      const transaction = transactions.get(input.transaction);
      if (!transaction) {
        await contract.unknownTransaction(ctx);
        throw new ContractError(
          'UNKNOWN_TRANSACTION',
          `the contract has no transaction ${input.transaction}`,
        );
      }
      if (transaction.arity !== input.args.length) {
        throw new ContractError(
          'UNKNOWN_TRANSACTION',
          `${input.transaction} takes ${transaction.arity} argument(s), ${input.args.length} given`,
        );
      }
      await contract.beforeTransaction(ctx);
      const result: unknown = await contract.aroundTransaction(
        ctx,
        input.transaction as unknown as () => void,
        [...input.args],
      );
      await contract.afterTransaction(ctx, result);
      const payload =
        result === undefined || result === null
          ? EMPTY
          : typeof result === 'string'
            ? encoder.encode(result)
            : canonicalBytes(result);
      return { status: 'OK', payload, message: '', ...stub.recorded } satisfies TransactionOutcome;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return {
        status: 'ERROR',
        payload: EMPTY,
        message: message.startsWith('[') ? message : `[INTERNAL] ${message}`,
        reads: stub.recorded.reads,
        writes: [],
        event: null,
      };
    }
  };
}
