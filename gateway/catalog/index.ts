/**
 * The aggregator's own catalog subgraph: the device directory it answers from, its SDL and schema,
 * and the data source that runs it in-process. Imports only the schema's door.
 */
export { CatalogDataSource } from './catalog-data-source.js';
export {
  CATALOG_SDL,
  CATALOG_SUBGRAPH,
  DEFAULT_MAX_DEVICES_PER_QUERY,
  createCatalogSchema,
} from './catalog-subgraph.js';
export {
  createMemoryDirectory,
  type DeviceDirectory,
  type DeviceKind,
  type DirectoryEntry,
} from './device-directory.js';
