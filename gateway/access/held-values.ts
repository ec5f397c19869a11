import { RESERVED_DEVICE_FIELDS } from '../../schema/index.js';
import { UNKNOWN_KEYS, type ResponseKeys, type SelectedKey } from './operation-keys.js';

/** One business-system value that the `data` of a saved response holds for a device. */
export interface HeldValue {
  /** Where it is, e.g. `devices[3].model`. */
  readonly path: string;
  /** The device it belongs to; null when the response does not tell. */
  readonly device: string | null;
  /** The field: the key's field per the query, or the key itself when there is no query. */
  readonly field: string;
  readonly value: unknown;
  /** How the keys inside the value map to its members. */
  readonly keys: ResponseKeys;
}

/** A value in `data` that is not a field of a device: nothing vouches for it. */
export interface StrayValue {
  readonly path: string;
  readonly value: unknown;
}

/** What a response's `data` holds. */
export interface HeldData {
  readonly held: readonly HeldValue[];
  readonly stray: readonly StrayValue[];
}

/** Options of {@link readHeldValues}. */
export interface HeldValueOptions {
  /** The operation's root keys ({@link operationKeys}), or {@link UNKNOWN_KEYS} without the query. */
  readonly keys: ResponseKeys;
  /** The device an object without an identifier belongs to, when the receipt names only one. */
  readonly soleDevice: string | null;
}

const ROOT_DEVICE_FIELDS = new Set(['device', 'devices']);

/**
 * Walks a response's `data` for every `Device` object (`device`, `devices`, under any alias) and
 * lists the business-system values they hold, each with its device (the object's `id`, else
 * the identifier the root field asked for, else the receipt's only device). Catalog fields (`id`,
 * `kind`, `heldBy`) and `__typename` are not values of a business system and are left out. Without
 * the query, a root key holding objects is read as a device field and every key as a field name.
 */
export function readHeldValues(data: unknown, options: HeldValueOptions): HeldData {
  const held: HeldValue[] = [];
  const stray: StrayValue[] = [];
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return { held, stray };
  const readDevice = (
    object: unknown,
    path: string,
    keys: ResponseKeys,
    askedFor: unknown,
  ): void => {
    if (object === null || typeof object !== 'object' || Array.isArray(object)) {
      if (object !== null) stray.push({ path, value: object });
      return;
    }
    const entries = Object.entries(object as Record<string, unknown>).map(([key, value]) => ({
      key,
      value,
      selected: selectedKey(keys, key),
    }));
    const id = entries.find((e) => e.selected?.name === 'id')?.value;
    const device =
      typeof id === 'string' ? id : typeof askedFor === 'string' ? askedFor : options.soleDevice;
    for (const { key, value, selected } of entries) {
      if (!selected) {
        if (value !== null) stray.push({ path: `${path}.${key}`, value });
      } else if (selected.name !== '__typename' && !RESERVED_DEVICE_FIELDS.has(selected.name)) {
        held.push({
          path: `${path}.${key}`,
          device,
          field: selected.name,
          value,
          keys: selected.keys,
        });
      }
    }
  };
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    const selected = selectedKey(options.keys, key);
    if (selected?.name === '__typename' || value === null) continue;
    const isDeviceField =
      options.keys.kind === 'unknown'
        ? typeof value === 'object'
        : selected !== undefined && ROOT_DEVICE_FIELDS.has(selected.name);
    if (!isDeviceField || !selected) {
      stray.push({ path: key, value });
    } else if (Array.isArray(value)) {
      value.forEach((item, i) =>
        readDevice(item, `${key}[${i}]`, selected.keys, selected.deviceIds?.[i]),
      );
    } else {
      readDevice(
        value,
        key,
        selected.keys,
        selected.deviceIds?.length === 1 ? selected.deviceIds[0] : undefined,
      );
    }
  }
  return { held, stray };
}

/** What a key stands for: per the query, or (without one) the field of that name. */
export function selectedKey(keys: ResponseKeys, key: string): SelectedKey | undefined {
  return keys.kind === 'unknown' ? { name: key, keys: UNKNOWN_KEYS } : keys.keys.get(key);
}
