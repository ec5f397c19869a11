import Database from 'better-sqlite3';
import { join } from 'node:path';

/**
 * Writes new readings into the demo monitoring system's database, as its SCADA feed would: each
 * device's latest reading again, a moment later, with a little more output power and a degree
 * warmer. Three of its values change (output power, temperature, time of the reading); the
 * system's next anchoring pass anchors them (the fields are `release-unverified`).
 */
export interface ReadingWriter {
  /** Monitored devices (their SCADA tags). */
  readonly devices: number;
  /** Writes a new reading for the next `count` devices, round robin; returns how many were written. */
  write(count: number): number;
  /** When the last readings were written (ISO time), if any were. */
  lastWrittenAt(): string | undefined;
  close(): void;
}

/** Opens the monitoring system's database in `dataDir` beside the running system (WAL). */
export function openReadingWriter(dataDir: string): ReadingWriter {
  const db = new Database(join(dataDir, 'monitoring.db'), { fileMustExist: true });
  db.pragma('busy_timeout = 10000');
  const tags = db
    .prepare('SELECT local_code FROM device_identifiers ORDER BY local_code')
    .pluck()
    .all() as string[];
  const insert =
    db.prepare(`INSERT INTO readings (tag, at, status, output_power_w, voltage_v, current_a, temperature_c, energy_today_kwh)
    SELECT tag, @at, status, round(coalesce(output_power_w, 0) + @power, 1), voltage_v, current_a, round(coalesce(temperature_c, 20) + 1, 1), energy_today_kwh
    FROM readings WHERE tag = @tag ORDER BY at DESC LIMIT 1`);
  let next = 0;
  let lastAt = 0;
  let lastWritten: string | undefined;
  const write = db.transaction((chosen: readonly string[]) => {
    // Readings of one batch share a time, later than any written before.
    lastAt = Math.max(Date.now(), lastAt + 1);
    const at = new Date(lastAt).toISOString();
    for (const tag of chosen) insert.run({ at, tag, power: 1 + Math.round(Math.random() * 100) });
    lastWritten = new Date().toISOString();
  });
  return {
    devices: tags.length,
    write(count) {
      const chosen = Array.from(
        { length: Math.min(count, tags.length) },
        () => tags[next++ % tags.length] as string,
      );
      write(chosen);
      return chosen.length;
    },
    lastWrittenAt: () => lastWritten,
    close: () => db.close(),
  };
}
