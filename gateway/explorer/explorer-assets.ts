import { EXPLORER_SCRIPT, EXPLORER_STYLES, LANDING_SCRIPT } from './browser-scripts.js';
import { createExplorerAsset, type ExplorerAsset } from './explorer-asset.js';

/** gridmark's own files for the explorer's pages: small, built at once. */
export interface OwnAssets {
  readonly explorerScript: ExplorerAsset;
  readonly landingScript: ExplorerAsset;
  readonly styles: ExplorerAsset;
}

/** GraphiQL's files, every one taken from the installed `@graphql-yoga/render-graphiql`. */
export interface GraphiqlAssets {
  readonly script: ExplorerAsset;
  readonly styles: ExplorerAsset;
  readonly favicon: ExplorerAsset;
  /** Monaco's workers by the label Monaco asks for. */
  readonly workers: Readonly<Record<'editorWorkerService' | 'json' | 'graphql', ExplorerAsset>>;
}

/** Builds gridmark's own explorer files. */
export function ownAssets(): OwnAssets {
  return {
    explorerScript: createExplorerAsset('explorer', 'js', EXPLORER_SCRIPT),
    landingScript: createExplorerAsset('landing', 'js', LANDING_SCRIPT),
    styles: createExplorerAsset('explorer', 'css', EXPLORER_STYLES),
  };
}

/**
 * Loads GraphiQL's files from the installed package. The package keeps them as strings in one
 * 9 MB module that takes about a second to load, so it is imported on the first request for the
 * explorer, never at the gateway's start.
 */
export async function loadGraphiqlAssets(): Promise<GraphiqlAssets> {
  const bundle = await import('@graphql-yoga/render-graphiql/graphiql');
  return {
    script: createExplorerAsset('graphiql', 'js', bundle.js),
    styles: createExplorerAsset('graphiql', 'css', bundle.css),
    favicon: createExplorerAsset('favicon', 'ico', dataUrlBytes(bundle.favicon)),
    workers: {
      editorWorkerService: createExplorerAsset('editor.worker', 'js', bundle.editorWorkerService),
      json: createExplorerAsset('json.worker', 'js', bundle.jsonWorker),
      graphql: createExplorerAsset('graphql.worker', 'js', bundle.graphqlWorker),
    },
  };
}

/** The bytes of a base64 `data:` URL (the package's favicon). */
function dataUrlBytes(url: string): Buffer {
  const comma = url.indexOf(',');
  return Buffer.from(url.slice(comma + 1), 'base64');
}
