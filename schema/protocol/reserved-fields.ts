/**
 * `Device` fields that belong to the aggregator itself (its device catalog), so no business
 * system may declare them: the key and the catalog's own facts about the device.
 */
export const RESERVED_DEVICE_FIELDS: ReadonlySet<string> = new Set(['id', 'kind', 'heldBy']);
