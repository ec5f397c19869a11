import type { KeyObject } from 'node:crypto';
import type { LedgerAdapter, LedgerOutbox } from '../../ledger-adapter/index.js';
import type { Logger } from '../../schema/index.js';
import type { Registry } from '../registry/index.js';
import { createCommitmentMemo } from './commitment-memo.js';
import { coveredRepresentations } from './covered-representations.js';
import type { FieldDirectory } from './field-directory.js';
import { entityFieldKeys } from './entity-field-names.js';
import { createGrantChannels, type GrantChannels } from './grant-channels.js';
import { issueGrant } from './grant-issuer.js';
import { createProtocolVersions, type ProtocolVersions } from './protocol-versions.js';
import type { GatewayContext } from './request-access.js';
import { verifyEntities, type SubgraphResponse, type TamperFinding } from './response-verifier.js';

/** What the gateway's data sources do around every subgraph request when access control is on. */
export interface SubgraphGuard {
  /**
   * Headers for an outgoing subgraph request: the protocol version spoken with the system
   * (`x-gridmark-protocol`), and its grant, sealed in the system's grant channel, or signed when
   * there is none yet or `signed` is asked for.
   *
   * @throws GridmarkError `PROTOCOL_UNSUPPORTED` when the system announced no version the gateway
   *   speaks, `GRANT_NOT_COVERED` as `issueGrant` does: nothing is sent.
   */
  headersFor(
    subgraph: string,
    variables: Readonly<Record<string, unknown>> | undefined,
    context: GatewayContext,
    options?: { readonly signed?: boolean },
  ): Record<string, string>;
  /**
   * The indexes of an entity fetch's representations worth sending to `subgraph`: those of
   * devices the query's resolution gives one of this system's selected fields, and any it does
   * not list at all (for the grant to refuse). Undefined: send the fetch as planned.
   */
  coveredRepresentations(
    subgraph: string,
    variables: Readonly<Record<string, unknown>> | undefined,
    context: GatewayContext,
  ): readonly number[] | undefined;
  /**
   * True when a system refused the request's grant as sealed for a grant key it no longer holds
   * (it restarted): its answer named its new key, and the request is worth sending once more.
   */
  refusedStaleGrant(response: { readonly errors?: readonly unknown[] }): boolean;
  /** Checks a subgraph's answer against the ledger before it is merged. */
  verify(
    subgraph: string,
    response: SubgraphResponse,
    request: { readonly query?: string; readonly variables?: Readonly<Record<string, unknown>> },
    context: GatewayContext,
  ): Promise<SubgraphResponse>;
}

/** Options of {@link createSubgraphGuard}. */
export interface SubgraphGuardOptions {
  readonly signingKey: KeyObject;
  readonly fields: FieldDirectory;
  readonly ledger: LedgerAdapter;
  readonly registry: Registry;
  readonly logger: Logger;
  /**
   * Where tamper reports wait for the ledger. A report names the resolution of the query that
   * caught it, and the outbox sends it after that resolution.
   */
  readonly outbox: LedgerOutbox;
}

/**
 * Grants out, verification in. A tampered value is reported on the ledger and counts against its
 * system's credit, as do values a system serves without a proof or an anchor; all this happens
 * after the response, so a slow ledger delays no one, and failures are logged.
 */
export function createSubgraphGuard(options: SubgraphGuardOptions): SubgraphGuard {
  return new LedgerSubgraphGuard(options);
}

class LedgerSubgraphGuard implements SubgraphGuard {
  readonly #options: SubgraphGuardOptions;
  readonly #commitments = createCommitmentMemo();
  readonly #channels: GrantChannels;
  readonly #versions: ProtocolVersions = createProtocolVersions();

  constructor(options: SubgraphGuardOptions) {
    this.#options = options;
    this.#channels = createGrantChannels({
      signingKey: options.signingKey,
      logger: options.logger,
    });
  }

  headersFor(
    subgraph: string,
    variables: Readonly<Record<string, unknown>> | undefined,
    context: GatewayContext,
    request: { readonly signed?: boolean } = {},
  ): Record<string, string> {
    const version = this.#versions.headerFor(subgraph);
    if (!context.access) return version;
    const channel = request.signed === true ? undefined : this.#channels.channelFor(subgraph);
    const grant = issueGrant({
      access: context.access,
      subgraph,
      representations: representationsOf(variables),
      fields: this.#options.fields,
      signingKey: this.#options.signingKey,
      channel,
    });
    return { ...version, [grant.header]: grant.value };
  }

  coveredRepresentations(
    subgraph: string,
    variables: Readonly<Record<string, unknown>> | undefined,
    context: GatewayContext,
  ): readonly number[] | undefined {
    if (!context.access) return undefined;
    return coveredRepresentations({
      access: context.access,
      subgraph,
      representations: representationsOf(variables),
      fields: this.#options.fields,
    });
  }

  refusedStaleGrant(response: { readonly errors?: readonly unknown[] }): boolean {
    return (response.errors ?? []).some((e) => {
      const extensions = (e as { extensions?: { code?: unknown; reason?: unknown } } | null)
        ?.extensions;
      return extensions?.code === 'GRANT_REFUSED' && extensions.reason === 'STALE_KEY';
    });
  }

  async verify(
    subgraph: string,
    response: SubgraphResponse,
    request: { readonly query?: string; readonly variables?: Readonly<Record<string, unknown>> },
    context: GatewayContext,
  ): Promise<SubgraphResponse> {
    const announced = response.extensions?.['gridmark'] as
      { grantKey?: unknown; protocol?: unknown } | undefined;
    this.#channels.learn(subgraph, announced?.grantKey);
    this.#versions.learn(subgraph, announced?.protocol);
    const access = context.access;
    if (!access) return response;
    return verifyEntities({
      response,
      fieldKeys: entityFieldKeys(request.query ?? ''),
      representations: representationsOf(request.variables),
      subgraph,
      access,
      fields: this.#options.fields,
      ledger: this.#options.ledger,
      commitments: this.#commitments,
      onTamper: (finding) => this.#reportTamper(finding),
      onUnproven: (finding) =>
        this.#reportUnproven(finding, access.resolution?.resolutionId ?? null),
    });
  }

  /** On the ledger (after the resolution that caught it), then against the system's credit. */
  #reportTamper(finding: TamperFinding): void {
    const { logger, outbox, registry } = this.#options;
    logger.warn(
      `TAMPERED: ${finding.systemCode} served Device field ${finding.fieldCode} of ${finding.deviceId} that does not match its anchor`,
    );
    outbox
      .append({ kind: 'tamper', body: finding })
      .then((outcome) => {
        if (outcome.status === 'refused')
          throw new Error(`the ledger refused the report [${outcome.code}] ${outcome.reason}`);
        return registry.penalizeTampering(finding.systemCode, finding);
      })
      .catch((error: unknown) =>
        logger.error(
          `could not record the tampering of ${finding.deviceId} ${finding.fieldCode}: ${String(error)}`,
        ),
      );
  }

  /** Values served without a proof or an anchor count against the system's credit. */
  #reportUnproven(
    finding: { readonly systemCode: string; readonly fieldCodes: readonly string[] },
    resolutionId: string | null,
  ): void {
    const { logger, registry } = this.#options;
    logger.warn(
      `UNVERIFIABLE: ${finding.systemCode} served ${finding.fieldCodes.join(', ')} without a proof or an anchor`,
    );
    registry
      .penalizeFailedVerification(finding.systemCode, {
        resolutionId,
        fieldCodes: finding.fieldCodes,
      })
      .catch((error: unknown) =>
        logger.error(
          `could not record the failed verification of ${finding.systemCode}: ${String(error)}`,
        ),
      );
  }
}

function representationsOf(
  variables: Readonly<Record<string, unknown>> | undefined,
): readonly { id?: unknown }[] {
  return Array.isArray(variables?.['representations'])
    ? (variables['representations'] as { id?: unknown }[])
    : [];
}
