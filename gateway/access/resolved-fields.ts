import type { Resolution } from '../../ledger-adapter/index.js';

/** Per device of a resolution, the field code it resolved each field name to. */
export type ResolvedFields = ReadonlyMap<string, ReadonlyMap<string, string>>;

const indexes = new WeakMap<Resolution, ResolvedFields>();

/**
 * A resolution's devices and fields, indexed once per resolution (a query's grants and the
 * verification of every value it is served share the index): device identifier, then field name
 * (the coordinate's part after `Device.`), to the field code resolved. A (device, field) pair is
 * in the resolution exactly when `resolvedFields(r).get(device)?.get(name)` is that field's code.
 *
 * @example resolvedFields(resolution).get('88.1001.1/INV-1')?.get('model') // '88.1001.1.F0001'
 */
export function resolvedFields(resolution: Resolution): ResolvedFields {
  let index = indexes.get(resolution);
  if (!index) {
    index = new Map(
      resolution.devices.map((d) => [
        d.deviceId,
        new Map(
          d.fields.map((f) => [f.coordinate.slice(f.coordinate.indexOf('.') + 1), f.fieldCode]),
        ),
      ]),
    );
    indexes.set(resolution, index);
  }
  return index;
}
