import {
  loadGraphiqlAssets,
  ownAssets,
  type GraphiqlAssets,
  type OwnAssets,
} from './explorer-assets.js';
import type { ExplorerAsset } from './explorer-asset.js';
import { explorerPage, landingPage } from './explorer-pages.js';

/**
 * What the explorer serves, built once: gridmark's own files at once, GraphiQL's on first use.
 * A failed load of GraphiQL's files is not kept, so the next request tries again.
 */
export class ExplorerFiles {
  readonly #own: OwnAssets = ownAssets();
  readonly #ownByName: ReadonlyMap<string, ExplorerAsset>;
  readonly #landing: string;
  #graphiql:
    | Promise<{ assets: GraphiqlAssets; page: string; byName: Map<string, ExplorerAsset> }>
    | undefined;

  constructor() {
    this.#ownByName = byName(Object.values(this.#own));
    this.#landing = landingPage(this.#own);
  }

  /** The `auto` landing page. */
  landingPage(): string {
    return this.#landing;
  }

  /** The bundled GraphiQL's page. */
  async explorerPage(): Promise<string> {
    return (await this.#loadGraphiql()).page;
  }

  /** The asset of that name, or undefined. */
  async asset(name: string): Promise<ExplorerAsset | undefined> {
    return this.#ownByName.get(name) ?? (await this.#loadGraphiql()).byName.get(name);
  }

  #loadGraphiql() {
    this.#graphiql ??= loadGraphiqlAssets().then(
      (assets) => ({
        assets,
        page: explorerPage(this.#own, assets),
        byName: byName([
          assets.script,
          assets.styles,
          assets.favicon,
          ...Object.values(assets.workers),
        ]),
      }),
      (error: unknown) => {
        this.#graphiql = undefined;
        throw error;
      },
    );
    return this.#graphiql;
  }
}

function byName(assets: readonly ExplorerAsset[]): Map<string, ExplorerAsset> {
  return new Map(assets.map((asset) => [asset.name, asset]));
}
