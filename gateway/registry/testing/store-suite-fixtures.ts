import { expect } from 'vitest';
import {
  StoreConflict,
  type CreditEventInput,
  type LogInput,
  type RegistryStore,
} from '../registry-store.js';

/** Gives an empty store: each test opens its own and closes it. */
export type OpenStore = () => Promise<RegistryStore>;

/** A log entry by `test` for the given action and subject. */
export const log = (action: string, subject = '-'): LogInput => ({
  actor: 'test',
  action,
  subject,
  details: {},
});
/** A system key: its id and the hash of its secret. */
export const KEY = { keyId: 'k', secretHash: 'h' };

/** What opening an enterprise account takes, with its operator key `ok-<credit code>`. */
export const account = (
  creditCode: string,
  name: string,
  over: { contact?: string | null; initialScore?: number } = {},
) => ({
  creditCode,
  name,
  contact: over.contact ?? null,
  initialScore: over.initialScore ?? 80,
  log: { actor: 'test', action: 'enterprise.create', details: {} },
});
/** The operator key `ok-<credit code>` of an enterprise. */
export const operatorKey = (creditCode: string) => ({
  keyId: `ok-${creditCode}`,
  secretHash: 'h',
  label: `${creditCode} operator`,
});

/** Onboards enterprises E1 (Maker) and E2 (Plant) and registers one system each; returns the two system codes. */
export async function twoSystems(store: RegistryStore): Promise<{ maker: string; scada: string }> {
  await store.createEnterprise({ ...account('E1', 'Maker'), key: operatorKey('E1') });
  await store.createEnterprise({ ...account('E2', 'Plant'), key: operatorKey('E2') });
  const base = {
    authorityPrefix: '88.9',
    description: 'd',
    sdl: 'type Query { x: Int }',
    codingRule: '{code}',
    log: { actor: 'test', action: 'system.register', details: {} },
  };
  const maker = await store.createSystem({
    ...base,
    creditCode: 'E1',
    name: 'maker',
    subgraphName: 'maker',
    url: 'http://maker/',
    key: { ...KEY, keyId: 'k1' },
  });
  const scada = await store.createSystem({
    ...base,
    creditCode: 'E2',
    name: 'scada',
    subgraphName: 'scada',
    url: 'http://scada/',
    key: { ...KEY, keyId: 'k2' },
  });
  return { maker: maker.code, scada: scada.code };
}

/** A credit event against enterprise E1 (the maker's), threshold 60. */
export const creditEvent = (over: Partial<CreditEventInput> = {}): CreditEventInput => ({
  creditCode: 'E1',
  systemCode: null,
  kind: 'ADMIN',
  change: { by: -10 },
  reason: 'test',
  actor: 'test',
  reference: {},
  suspendBelow: 60,
  ...over,
});

/** The StoreConflict a write is refused with; fails the test when it is not refused so. */
export async function conflict(work: Promise<unknown>): Promise<StoreConflict> {
  try {
    await work;
  } catch (error) {
    expect(error).toBeInstanceOf(StoreConflict);
    return error as StoreConflict;
  }
  throw new Error('expected a StoreConflict');
}
