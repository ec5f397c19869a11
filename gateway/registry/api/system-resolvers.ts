import { mayActForSystem } from '../caller-permissions.js';
import type { Registry } from '../registry.js';
import type { AuditStatus, IdentifierStatus, SystemStatus } from '../registry-types.js';
import { text, wrap, type Args, type RegistryContext } from './resolver-support.js';

/** Business systems, their endpoints, statuses and shareable fields. */
export function systemResolvers(registry: Registry) {
  return {
    Query: {
      system: (_: unknown, args: Args) => registry.getSystem(text(args, 'code')),
      systems: (_: unknown, args: Args) =>
        registry.listSystems((args['status'] as SystemStatus | null) ?? undefined),
      fields: (_: unknown, args: Args) =>
        registry.listFields((args['systemCode'] as string | null) ?? undefined),
    },
    Mutation: {
      registerSystem: (
        _: unknown,
        args: { input: Parameters<Registry['registerSystem']>[1] },
        { caller }: RegistryContext,
      ) => wrap(() => registry.registerSystem(caller, args.input)),
      updateSystemEndpoint: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() => registry.updateSystemEndpoint(caller, text(args, 'code'), text(args, 'url'))),
      setSystemStatus: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() =>
          registry.setSystemStatus(
            caller,
            text(args, 'code'),
            args['status'] as SystemStatus,
            text(args, 'reason'),
          ),
        ),
      registerFields: (
        _: unknown,
        args: { systemCode: string; fields: Parameters<Registry['registerFields']>[2] },
        { caller }: RegistryContext,
      ) => wrap(() => registry.registerFields(caller, args.systemCode, args.fields)),
    },
    BusinessSystem: {
      // Subgraph addresses are infrastructure: not for anonymous callers or other systems.
      url: (
        system: { code: string; enterpriseCreditCode: string; url: string },
        _: Args,
        { caller }: RegistryContext,
      ) => (caller.role === 'AUDITOR' || mayActForSystem(caller, system) ? system.url : null),
      fields: (system: { code: string }) => registry.listFields(system.code),
      enterprise: (system: { enterpriseCreditCode: string }) =>
        registry.getEnterprise(system.enterpriseCreditCode),
    },
    // The API spells policies as enum values; the registry and the ledger as the kit declares them.
    ChangePolicy: { REFUSE: 'refuse', RELEASE_UNVERIFIED: 'release-unverified' },
  };
}

/** Device batches and claims, identifiers and the association catalog. */
export function deviceResolvers(registry: Registry) {
  return {
    Query: {
      identifier: (_: unknown, args: Args) => registry.getIdentifier(text(args, 'id')),
      association: (_: unknown, args: Args) => registry.association(text(args, 'deviceId')),
    },
    Mutation: {
      registerDevices: (
        _: unknown,
        args: {
          systemCode: string;
          devices: Parameters<Registry['registerDevices']>[2];
          dryRun?: boolean | null;
        },
        { caller }: RegistryContext,
      ) =>
        wrap(() =>
          registry.registerDevices(caller, args.systemCode, args.devices, {
            dryRun: args.dryRun === true,
          }),
        ),
      claimDevices: (
        _: unknown,
        args: {
          systemCode: string;
          claims: Parameters<Registry['claimDevices']>[2];
          dryRun?: boolean | null;
        },
        { caller }: RegistryContext,
      ) =>
        wrap(() =>
          registry.claimDevices(caller, args.systemCode, args.claims, {
            dryRun: args.dryRun === true,
          }),
        ),
      setIdentifierStatus: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() =>
          registry.setIdentifierStatus(
            caller,
            text(args, 'id'),
            args['status'] as IdentifierStatus,
            text(args, 'reason'),
          ),
        ),
      auditIdentifier: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() =>
          registry.auditIdentifier(
            caller,
            text(args, 'id'),
            args['result'] as Exclude<AuditStatus, 'UNAUDITED'>,
            (args['note'] as string | null) ?? null,
          ),
        ),
    },
  };
}

/** The ledger's public evidence, and the commitments systems anchor. */
export function ledgerResolvers(registry: Registry) {
  return {
    Query: {
      ledgerAnchors: (_: unknown, args: { keys: { deviceId: string; fieldCode: string }[] }) =>
        wrap(() =>
          registry.ledgerAnchors(args.keys.map((k) => [k.deviceId, k.fieldCode] as const)),
        ),
      ledgerResolution: (_: unknown, args: Args) =>
        wrap(() => registry.ledgerResolution(text(args, 'id'))),
    },
    Mutation: {
      anchorCommitments: (
        _: unknown,
        args: {
          systemCode: string;
          commitments: Parameters<Registry['anchorCommitments']>[2];
          vouched?: boolean | null;
        },
        { caller }: RegistryContext,
      ) =>
        wrap(() =>
          registry.anchorCommitments(caller, args.systemCode, args.commitments, {
            vouched: args.vouched === true,
          }),
        ),
    },
  };
}
