import { GridmarkError } from '../../schema/index.js';
import type { Registry } from '../registry/index.js';
import type { BillingStore } from './billing-store.js';
import { EXTERNAL_ACCOUNT, PLATFORM_ACCOUNT, type Account } from './billing-types.js';

/** Where accounts come from: the book, and the registry that says which exist. */
export interface AccountSources {
  readonly store: BillingStore;
  readonly registry: Pick<Registry, 'getApplication' | 'getSystem'>;
}

/**
 * The account, opened on first use when it is a registered application or system, the platform
 * or the outside world.
 *
 * @throws GridmarkError UNKNOWN_ACCOUNT for anything else
 */
export async function knownAccount(
  { store, registry }: AccountSources,
  accountId: string,
): Promise<Account> {
  const existing = await store.getAccount(accountId);
  if (existing) return existing;
  if (await registry.getApplication(accountId)) return store.openAccount(accountId, 'APPLICATION');
  if (await registry.getSystem(accountId)) return store.openAccount(accountId, 'SYSTEM');
  if (accountId === PLATFORM_ACCOUNT) return store.openAccount(accountId, 'PLATFORM');
  if (accountId === EXTERNAL_ACCOUNT) return store.openAccount(accountId, 'EXTERNAL');
  throw new GridmarkError(
    'UNKNOWN_ACCOUNT',
    `there is no account ${accountId}: accounts are registered applications (APP-nnnn), business systems (their codes), ${PLATFORM_ACCOUNT} and ${EXTERNAL_ACCOUNT}.`,
    { details: { account: accountId } },
  );
}

/**
 * The account of a registered application.
 *
 * @throws GridmarkError UNKNOWN_ACCOUNT (with `message` when the account is of another kind)
 */
export async function applicationAccount(
  sources: AccountSources,
  accountId: string,
  message: string,
): Promise<Account> {
  const account = await knownAccount(sources, accountId);
  if (account.kind !== 'APPLICATION')
    throw new GridmarkError('UNKNOWN_ACCOUNT', message, { details: { account: accountId } });
  return account;
}
