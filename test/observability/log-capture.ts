import { Writable } from 'node:stream';

/** A stream that keeps every JSON log line written to it. */
export class LogCapture extends Writable {
  readonly #text: string[] = [];

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.#text.push(chunk.toString());
    done();
  }

  /** Everything written so far, as written. */
  get text(): string {
    return this.#text.join('');
  }

  /** Every line, parsed; a line that is not JSON throws. */
  lines(): Record<string, unknown>[] {
    return this.text
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}
