/**
 * The subgraph kit: what a business system imports to publish its shareable device fields as an
 * Apollo Federation 2 subgraph keyed by the device identifier.
 */
export type {
  ShareableField,
  DeviceRecord,
  DeviceBatchLoader,
  SubgraphDeclaration,
} from './kit/declaration.js';
export type { Subgraph, SubgraphContext } from './kit/define-subgraph.js';
export type { RunningSubgraph, SubgraphServerOptions } from './kit/subgraph-server.js';
export { defineSubgraph } from './kit/define-subgraph.js';
export { renderSubgraphSdl, FEDERATION_LINK } from './kit/subgraph-sdl.js';
export { createSubgraphServer, serveSubgraph } from './kit/subgraph-server.js';
