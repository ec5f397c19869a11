import { ledger } from '@hyperledger/fabric-protos';
import type { TransactionOutcome } from '../../../ledger-adapter/index.js';
import type { StateWrite } from './world-state.js';

const { TxReadWriteSet, NsReadWriteSet, kvrwset } = ledger.rwset;

/** A read/write set as the committer sees it: one chaincode namespace's reads and writes. */
export interface ReadWriteSet {
  readonly namespace: string;
  readonly reads: TransactionOutcome['reads'];
  readonly writes: readonly StateWrite[];
}

/** Encodes an outcome's reads and writes as Fabric's `TxReadWriteSet` (KV data model) for `namespace`. */
export function encodeReadWriteSet(
  namespace: string,
  outcome: Pick<TransactionOutcome, 'reads' | 'writes'>,
): Uint8Array {
  const kv = new kvrwset.KVRWSet();
  kv.setReadsList(
    outcome.reads.map(({ key, version }) => {
      const read = new kvrwset.KVRead();
      read.setKey(key);
      if (version !== null) {
        const v = new kvrwset.Version();
        v.setBlockNum(Number(version.blockNumber));
        v.setTxNum(version.txNumber);
        read.setVersion(v);
      }
      return read;
    }),
  );
  kv.setWritesList(
    outcome.writes.map(({ key, value }) => {
      const write = new kvrwset.KVWrite();
      write.setKey(key);
      write.setIsDelete(value === null);
      if (value !== null) write.setValue(value);
      return write;
    }),
  );
  const ns = new NsReadWriteSet();
  ns.setNamespace(namespace);
  ns.setRwset(kv.serializeBinary());
  const set = new TxReadWriteSet();
  set.setDataModel(TxReadWriteSet.DataModel.KV);
  set.setNsRwsetList([ns]);
  return set.serializeBinary();
}

/**
 * Decodes a `TxReadWriteSet` back into reads and writes, one entry per namespace.
 * @throws when the bytes are not a KV read/write set.
 */
export function decodeReadWriteSet(bytes: Uint8Array): ReadWriteSet[] {
  const set = TxReadWriteSet.deserializeBinary(bytes);
  if (set.getDataModel() !== TxReadWriteSet.DataModel.KV)
    throw new Error('unsupported read/write set data model');
  return set.getNsRwsetList().map((ns) => {
    const kv = kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
    return {
      namespace: ns.getNamespace(),
      reads: kv.getReadsList().map((read) => {
        const version = read.getVersion();
        return {
          key: read.getKey(),
          version:
            version === undefined
              ? null
              : { blockNumber: BigInt(version.getBlockNum()), txNumber: version.getTxNum() },
        };
      }),
      writes: kv.getWritesList().map((write) => ({
        key: write.getKey(),
        value: write.getIsDelete() ? null : write.getValue_asU8(),
      })),
    };
  });
}
