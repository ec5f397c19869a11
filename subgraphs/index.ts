/**
 * What a business system imports (the package's `gridmark/subgraphs`): the subgraph kit, whose
 * door lists it all.
 */
export * from './kit/index.js';
