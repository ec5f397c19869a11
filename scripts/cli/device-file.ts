import { readFileSync } from 'node:fs';
import { GridmarkError } from '../../schema/index.js';
import { parseCsv } from './csv.js';

/** A row read from a device file, with the line (CSV) or 1-based index (JSON) it came from. */
export interface DeviceFileRow {
  readonly row: number;
  readonly values: Readonly<Record<string, string>>;
}

/**
 * Reads a device file, CSV (with a header) or JSON (an array of objects), by its extension, and
 * checks that every row has the `columns`. The whole file is refused at the first bad row.
 *
 * @throws GridmarkError `BAD_DEVICE_ROW` with the row number, `BAD_CONFIGURATION` for an unreadable file.
 */
export function readDeviceFile(path: string, columns: readonly string[]): DeviceFileRow[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new GridmarkError('BAD_CONFIGURATION', `cannot read ${path}.`, { cause });
  }
  if (path.toLowerCase().endsWith('.json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      throw new GridmarkError('BAD_DEVICE_ROW', `${path} is not valid JSON.`, {
        cause,
        details: { row: 0 },
      });
    }
    if (!Array.isArray(parsed))
      throw new GridmarkError('BAD_DEVICE_ROW', `${path} must hold a JSON array of rows.`, {
        details: { row: 0 },
      });
    return parsed.map((item: unknown, i) => {
      const row = i + 1;
      if (typeof item !== 'object' || item === null)
        throw new GridmarkError('BAD_DEVICE_ROW', `row ${row}: not an object.`, {
          details: { row },
        });
      const values: Record<string, string> = {};
      for (const column of columns) {
        const value = (item as Record<string, unknown>)[column];
        if (typeof value !== 'string' || value === '')
          throw new GridmarkError(
            'BAD_DEVICE_ROW',
            `row ${row}: "${column}" is missing or not a string.`,
            { details: { row } },
          );
        values[column] = value;
      }
      return { row, values };
    });
  }
  return parseCsv(text, columns).map((r) => {
    for (const column of columns) {
      if ((r.values[column] ?? '').trim() === '')
        throw new GridmarkError('BAD_DEVICE_ROW', `line ${r.line}: "${column}" is empty.`, {
          details: { row: r.line },
        });
    }
    return {
      row: r.line,
      values: Object.fromEntries(columns.map((c) => [c, (r.values[c] ?? '').trim()])),
    };
  });
}
