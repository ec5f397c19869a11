/**
 * Calls to URLs that others gave: the registry's to applicants (a business system's
 * `_service { sdl }`) and the supergraph's to the systems: http and https only, no redirects, a deadline, a size cap, and only to networks the operator lets it reach.
 * It imports only the schema's door.
 */
export {
  createOutboundClient,
  DEVELOPMENT_OUTBOUND,
  OutboundRequestError,
  type OutboundClient,
  type OutboundFailureReason,
  type OutboundOptions,
  type OutboundResponse,
} from './outbound-client.js';
export {
  ANY_NETWORK,
  RESTRICTED_NETWORKS,
  createNetworkPolicy,
  type NetworkPolicy,
  type OutboundNetworks,
} from './network-policy.js';
