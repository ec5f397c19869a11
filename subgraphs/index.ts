/**
 * What a business system imports (the package's `gridmark/subgraphs`): the subgraph kit, whose
 * door lists it all.
 */
export * from './kit/index.js';
// Business systems from a config file, for systems that write no code: `gridmark system serve`.
export * from './configured/index.js';
// The protocol's conformance checks, which `gridmark system check <url>` runs against a system.
export * from './conformance/index.js';
