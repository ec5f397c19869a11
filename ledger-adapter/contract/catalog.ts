import { requireOwnedFields } from './fields.js';
import type { CatalogEntry, FieldRecord } from './records.js';
import {
  expectArray,
  expectDeviceId,
  expectFieldCode,
  expectObject,
  expectSystemCode,
  expectUnique,
} from './validation.js';

/** The argument of `PutCatalogEntries`. */
export interface PutCatalogEntriesInput {
  readonly entries: readonly {
    readonly deviceId: string;
    readonly holdings: readonly {
      readonly systemCode: string;
      readonly fieldCodes: readonly string[];
    }[];
  }[];
}

/** The most entries one `PutCatalogEntries` call may carry. */
export const MAX_CATALOG_ENTRIES_PER_CALL = 1000;

/** @throws ContractError INVALID_ARGUMENT */
export function parsePutCatalogEntries(value: unknown): PutCatalogEntriesInput {
  const input = expectObject(value, 'PutCatalogEntries argument', ['entries']);
  const entries = expectArray(input['entries'], 'entries', MAX_CATALOG_ENTRIES_PER_CALL).map(
    (item, i) => {
      const entry = expectObject(item, `entries[${i}]`, ['deviceId', 'holdings']);
      const holdings = expectArray(entry['holdings'], `entries[${i}].holdings`, 64).map((h, j) => {
        const holding = expectObject(h, `entries[${i}].holdings[${j}]`, [
          'systemCode',
          'fieldCodes',
        ]);
        const fieldCodes = expectArray(
          holding['fieldCodes'],
          `entries[${i}].holdings[${j}].fieldCodes`,
          256,
        ).map((code, k) => expectFieldCode(code, `entries[${i}].holdings[${j}].fieldCodes[${k}]`));
        expectUnique(fieldCodes, `entries[${i}].holdings[${j}].fieldCodes`, (c) => c);
        return {
          systemCode: expectSystemCode(
            holding['systemCode'],
            `entries[${i}].holdings[${j}].systemCode`,
          ),
          fieldCodes,
        };
      });
      expectUnique(holdings, `entries[${i}].holdings`, (h) => h.systemCode);
      return { deviceId: expectDeviceId(entry['deviceId'], `entries[${i}].deviceId`), holdings };
    },
  );
  expectUnique(entries, 'entries', (e) => e.deviceId);
  return { entries };
}

/**
 * The catalog entry to store, holdings sorted by system and field codes sorted, so equal content
 * is equal bytes.
 *
 * @throws ContractError UNKNOWN_FIELD, FIELD_NOT_OWNED
 */
export function buildCatalogEntry(
  entry: PutCatalogEntriesInput['entries'][number],
  fields: ReadonlyMap<string, FieldRecord | undefined>,
): CatalogEntry {
  const holdings = entry.holdings
    .map((h) => {
      requireOwnedFields(h.systemCode, h.fieldCodes, fields);
      return { systemCode: h.systemCode, fieldCodes: [...h.fieldCodes].sort() };
    })
    .sort((a, b) => (a.systemCode < b.systemCode ? -1 : a.systemCode > b.systemCode ? 1 : 0));
  return { deviceId: entry.deviceId, holdings, key: holdings.length >= 2 };
}
