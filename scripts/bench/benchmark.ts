/** One benchmark of `npm run bench`. */
export interface Benchmark {
  /** Short name, selectable with `npm run bench -- <name>`. */
  readonly name: string;
  readonly summary: string;
  /** Runs and returns the lines of its report (Markdown table rows or plain lines). */
  run(options: {
    readonly quick: boolean;
    readonly log: (line: string) => void;
  }): Promise<readonly string[]>;
}
