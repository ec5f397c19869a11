import { GridmarkError } from '../../schema/index.js';

/** One data row of a CSV file with its line number (the header is line 1). */
export interface CsvRow {
  readonly line: number;
  readonly values: Readonly<Record<string, string>>;
}

/**
 * Parses CSV (RFC 4180: commas, double-quoted fields with "" escapes, CRLF or LF) with a header
 * row naming the columns. Every row must have exactly the header's number of fields.
 *
 * @throws GridmarkError `BAD_DEVICE_ROW` naming the line of the first malformed row.
 */
export function parseCsv(text: string, required: readonly string[]): CsvRow[] {
  const records = splitRecords(text.replace(/^\uFEFF/, ''));
  const header = records.shift();
  if (!header)
    throw new GridmarkError('BAD_DEVICE_ROW', 'the file is empty; it needs a header row.', {
      details: { row: 1 },
    });
  const columns = header.fields.map((c) => c.trim());
  for (const column of required) {
    if (!columns.includes(column))
      throw new GridmarkError(
        'BAD_DEVICE_ROW',
        `line 1: the header needs a "${column}" column (has ${columns.join(', ')}).`,
        { details: { row: 1 } },
      );
  }
  return records
    .filter((r) => !(r.fields.length === 1 && r.fields[0] === ''))
    .map((record) => {
      if (record.fields.length !== columns.length) {
        throw new GridmarkError(
          'BAD_DEVICE_ROW',
          `line ${record.line}: ${record.fields.length} fields where the header has ${columns.length}.`,
          { details: { row: record.line } },
        );
      }
      return {
        line: record.line,
        values: Object.fromEntries(columns.map((c, i) => [c, record.fields[i] ?? ''])),
      };
    });
}

function splitRecords(text: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      records.push({ line: start, fields });
      fields = [];
      field = '';
      start = ++line;
    } else field += c;
  }
  if (quoted)
    throw new GridmarkError('BAD_DEVICE_ROW', `line ${start}: a quoted field is not closed.`, {
      details: { row: start },
    });
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    records.push({ line: start, fields });
  }
  return records;
}

/** One CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
function csvField(value: unknown): string {
  let text: string;
  if (value === null || value === undefined) text = '';
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else text = JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Writes rows as CSV (RFC 4180, CRLF line ends) with a header row of `columns`. */
export function toCsv(
  columns: readonly string[],
  rows: readonly Readonly<Record<string, unknown>>[],
): string {
  return (
    [columns, ...rows.map((row) => columns.map((c) => row[c]))]
      .map((cells) => cells.map(csvField).join(','))
      .join('\r\n') + '\r\n'
  );
}
