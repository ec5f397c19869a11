/**
 * The subgraph kit: what a business system imports to publish its shareable device fields as an
 * Apollo Federation 2 subgraph keyed by the device identifier: the declaration, the subgraph and
 * its server, the anchor journal and the anchorer with its registry sink. It imports only the
 * schema's door (the protocol it speaks with the gateway).
 */
export type {
  ShareableField,
  DeviceRecord,
  DeviceBatchLoader,
  SubgraphDeclaration,
  ChangePolicy,
} from './declaration.js';
export type { Subgraph, SubgraphContext, SubgraphOptions } from './define-subgraph.js';
export type { ServedProofs } from '../../schema/index.js';
export type { AccessPolicy, RequestAccess, HeaderReader } from './field-access.js';
export { openAnchorJournal, type AnchorJournal, type JournalEntry } from './anchor-journal.js';
export type { RunningSubgraph, SubgraphServerOptions } from './subgraph-server.js';
export { defineSubgraph } from './define-subgraph.js';
export { renderSubgraphSdl, FEDERATION_LINK } from './subgraph-sdl.js';
export { createSubgraphServer, serveSubgraph } from './subgraph-server.js';
export {
  createAnchorer,
  type Anchorer,
  type AnchorerOptions,
  type AnchorKey,
  type AnchorPassResult,
  type AnchorSink,
  type SinkField,
  type UnprovableValue,
} from './anchorer.js';
export {
  createRegistryAnchorSink,
  type RegistryAnchorSinkOptions,
} from './registry-anchor-sink.js';
