import type { EnterpriseInput } from '../enterprise-onboarding.js';
import type { Registry } from '../registry.js';
import type { EnterpriseStatus } from '../registry-types.js';
import { historyFilter, text, wrap, type Args, type RegistryContext } from './resolver-support.js';

/** The caller, platform keys, the registry's statistics and log. */
export function oversightResolvers(registry: Registry) {
  return {
    Query: {
      me: (_: unknown, __: Args, { caller }: RegistryContext) =>
        caller.role === 'ANONYMOUS' ? null : caller,
      statistics: (_: unknown, __: Args, { caller }: RegistryContext) =>
        wrap(() => registry.statistics(caller)),
      registryLog: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(async () =>
          (await registry.log(caller, Number(args['after']), Number(args['limit']))).map((e) => ({
            ...e,
            details: JSON.stringify(e.details),
          })),
        ),
    },
    Mutation: {
      issueKey: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() =>
          registry.issueKey(
            caller,
            args['role'] as 'PLATFORM_ADMIN' | 'AUDITOR',
            text(args, 'label'),
          ),
        ),
    },
  };
}

/** Enterprise accounts: applications, reviews, operator keys, and what an enterprise shows whom. */
export function enterpriseResolvers(registry: Registry) {
  return {
    Query: {
      enterprise: (_: unknown, args: Args) =>
        registry.getEnterprise(text(args, 'creditCode').toUpperCase()),
      enterprises: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() =>
          registry.listEnterprises(
            caller,
            (args['status'] as EnterpriseStatus | null) ?? undefined,
          ),
        ),
    },
    Mutation: {
      applyForEnterprise: (
        _: unknown,
        args: { input: EnterpriseInput },
        { caller }: RegistryContext,
      ) => wrap(() => registry.applyForEnterprise(caller, args.input)),
      createEnterprise: (
        _: unknown,
        args: { input: EnterpriseInput },
        { caller }: RegistryContext,
      ) => wrap(() => registry.createEnterprise(caller, args.input)),
      approveEnterprise: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() => registry.approveEnterprise(caller, text(args, 'creditCode'))),
      rejectEnterprise: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() =>
          registry.rejectEnterprise(caller, text(args, 'creditCode'), text(args, 'reason')),
        ),
      issueEnterpriseKey: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() => registry.issueEnterpriseKey(caller, text(args, 'creditCode'))),
    },
    Enterprise: {
      // How to reach an applicant is for those who review applications.
      contact: (enterprise: { contact: string | null }, _: Args, { caller }: RegistryContext) =>
        caller.role === 'PLATFORM_ADMIN' || caller.role === 'AUDITOR' ? enterprise.contact : null,
      creditHistory: (
        enterprise: { creditCode: string },
        args: Args,
        { caller }: RegistryContext,
      ) =>
        wrap(() =>
          registry.creditHistory(caller, {
            ...historyFilter(args),
            creditCode: enterprise.creditCode,
          }),
        ),
    },
  };
}

/** Credit: scores, feedback, reinstatement and the history. */
export function creditResolvers(registry: Registry) {
  return {
    Query: {
      creditHistory: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() => registry.creditHistory(caller, historyFilter(args))),
    },
    Mutation: {
      setCreditScore: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() =>
          registry.setCreditScore(
            caller,
            text(args, 'creditCode'),
            Number(args['score']),
            text(args, 'reason'),
          ),
        ),
      submitFeedback: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(
          async () =>
            (
              await registry.submitFeedback(caller, {
                systemCode: text(args, 'systemCode'),
                score: Number(args['score']),
                reason: text(args, 'reason'),
              })
            ).event,
        ),
      reinstateSystem: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(async () => {
          const { system, event } = await registry.reinstateSystem(caller, text(args, 'code'), {
            reason: text(args, 'reason'),
            ...(typeof args['score'] === 'number' ? { score: args['score'] } : {}),
          });
          return { system, creditEvent: event };
        }),
    },
  };
}

/** Data applications, their keys and their parsing rules. */
export function applicationResolvers(registry: Registry) {
  return {
    Query: {
      application: (_: unknown, args: Args) => registry.getApplication(text(args, 'appId')),
      applicationKeys: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() => registry.applicationKeys(caller, text(args, 'appId'))),
    },
    Mutation: {
      registerApplication: (
        _: unknown,
        args: { name: string; roles: string[] },
        { caller }: RegistryContext,
      ) => wrap(() => registry.registerApplication(caller, args)),
      issueApplicationKey: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() => registry.issueApplicationKey(caller, text(args, 'name'))),
      revokeApplicationKey: (_: unknown, args: Args, { caller }: RegistryContext) =>
        wrap(() => registry.revokeApplicationKey(caller, text(args, 'appId'), text(args, 'keyId'))),
      publishRule: (
        _: unknown,
        args: { appId: string; function: string; role: string; fieldCodes: string[] },
        { caller }: RegistryContext,
      ) => wrap(() => registry.publishRule(caller, args)),
    },
  };
}
