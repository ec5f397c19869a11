import { describe } from 'vitest';
import type { RegistryStore } from '../registry-store.js';
import {
  describeCreditHistory,
  describeCreditScores,
  describeCreditSuspensions,
  describeRefusedCreditEvents,
} from './credit-store-suite.js';
import {
  describeAssociationCatalog,
  describeDeviceDryRuns,
  describeDeviceRegistration,
  describeIdentifierStatus,
  describeRefusedClaims,
  describeSuspendedSystems,
} from './device-store-suite.js';
import {
  describeApprovedEnterprises,
  describeEnterpriseAccounts,
  describeReapplications,
} from './enterprise-store-suite.js';
import { describeApplicationKeys, describeFields, describeSystems } from './system-store-suite.js';

/**
 * The behaviour every registry store must have, whatever its database. Run it against each
 * implementation with a factory that gives an empty store.
 */
export function describeRegistryStore(name: string, open: () => Promise<RegistryStore>): void {
  describe(`registry store: ${name}`, () => {
    describeSystems(open);
    describeDeviceRegistration(open);
    describeDeviceDryRuns(open);
    describeApplicationKeys(open);
    describeAssociationCatalog(open);
    describeRefusedClaims(open);
    describeSuspendedSystems(open);
    describeFields(open);
    describeIdentifierStatus(open);
    describeCreditScores(open);
    describeCreditSuspensions(open);
    describeRefusedCreditEvents(open);
    describeCreditHistory(open);
    describeEnterpriseAccounts(open);
    describeApprovedEnterprises(open);
    describeReapplications(open);
  });
}
