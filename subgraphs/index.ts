/**
 * The subgraph kit: what a business system imports to publish its shareable device fields as an
 * Apollo Federation 2 subgraph keyed by the device identifier.
 */
export type {
  ShareableField,
  DeviceRecord,
  DeviceBatchLoader,
  SubgraphDeclaration,
  ChangePolicy,
} from './kit/declaration.js';
export type { Subgraph, SubgraphContext, SubgraphOptions } from './kit/define-subgraph.js';
export type { ServedProofs } from '../schema/index.js';
export type { AccessPolicy, RequestAccess, HeaderReader } from './kit/field-access.js';
export { openAnchorJournal, type AnchorJournal, type JournalEntry } from './kit/anchor-journal.js';
export type { RunningSubgraph, SubgraphServerOptions } from './kit/subgraph-server.js';
export { defineSubgraph } from './kit/define-subgraph.js';
export { renderSubgraphSdl, FEDERATION_LINK } from './kit/subgraph-sdl.js';
export { createSubgraphServer, serveSubgraph } from './kit/subgraph-server.js';
export {
  createAnchorer,
  type Anchorer,
  type AnchorerOptions,
  type AnchorKey,
  type AnchorPassResult,
  type AnchorSink,
  type SinkField,
  type UnprovableValue,
} from './kit/anchorer.js';
export {
  createRegistryAnchorSink,
  type RegistryAnchorSinkOptions,
} from './kit/registry-anchor-sink.js';
