/**
 * The registry's calls to applicant URLs (a business system's `_service { sdl }`): http and https
 * only, no redirects, a deadline, a size cap, and only to networks the operator lets it reach.
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
export { FETCH_BAD_PORTS, fetchBadPortMessage, fetchBadPortOf } from './fetch-bad-ports.js';
