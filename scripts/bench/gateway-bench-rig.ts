import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsoleLogger } from '../../schema/index.js';
import { seedDemoData, startDemoSystems, type DemoSystems } from '../demo/index.js';
import {
  forkGateway,
  profileArgs,
  withBenchEnvironment,
  type GatewayProcess,
} from './gateway-bench-process.js';
import { CHECKED_KINDS, KINDS, type GatewayKind } from './gateway-bench-settings.js';

/**
 * The gateways and the business systems behind them. Copies of the same plant: one set of
 * systems open to any caller (what a bare gateway can query), and for each gridmark with access
 * control a set that requires its grants and anchors on its ledger, as `npm start` runs them.
 */
export class GatewayBenchRig {
  readonly #log: (line: string) => void;
  readonly #dir = mkdtempSync(join(tmpdir(), 'gridmark-bench-gateway-'));
  readonly #openDir = join(this.#dir, 'open');
  readonly #guardedDirs = Object.fromEntries(
    CHECKED_KINDS.map((kind) => [kind, join(this.#dir, kind)]),
  ) as Record<(typeof CHECKED_KINDS)[number], string>;
  readonly #grantKey = generateKeyPairSync('ed25519');
  readonly #sets: DemoSystems[] = [];
  #open: DemoSystems | undefined;
  readonly #guarded: Partial<Record<GatewayKind, DemoSystems>> = {};
  readonly #gateways: GatewayProcess[] = [];

  constructor(log: (line: string) => void) {
    this.#log = log;
  }

  async start(): Promise<void> {
    mkdirSync(this.#openDir);
    const seeded = seedDemoData(this.#openDir);
    for (const copy of Object.values(this.#guardedDirs))
      cpSync(this.#openDir, copy, { recursive: true });
    this.#log(
      `seeded the demo plant (${seeded.devices} devices) ${1 + CHECKED_KINDS.length} times in ${this.#dir}`,
    );
    await this.#startSystems();
    for (const kind of KINDS) await this.#startGateway(kind);
  }

  /** The business systems a gateway of `kind` composes, and their data directory. */
  setOf(kind: GatewayKind): { dataDir: string; systems: DemoSystems } {
    const systems = this.#guarded[kind];
    if ((kind === 'checked' || kind === 'gridmark') && systems)
      return { dataDir: this.#guardedDirs[kind], systems };
    if (this.#open === undefined) throw new Error('the open business systems are not running');
    return { dataDir: this.#openDir, systems: this.#open };
  }

  /**
   * The gateways as measured: every gateway gets the same request, with access headers (the
   * others ignore them); each gridmark with access control has its own registry, so its own
   * application key.
   */
  measuredGateways(): GatewayProcess[] {
    const accessHeaders = this.#gateways.find((g) => g.kind === 'checked')?.headers ?? {};
    return this.#gateways.map((g) => ({
      ...g,
      headers: Object.keys(g.headers).length > 0 ? g.headers : accessHeaders,
    }));
  }

  async stop(): Promise<void> {
    await Promise.all(this.#gateways.map((g) => g.stop()));
    await Promise.all(this.#sets.map((s) => s.stop()));
    rmSync(this.#dir, { recursive: true, force: true });
  }

  async #startSystems(): Promise<void> {
    this.#open = await this.#startSet(this.#openDir, 'open');
    const publicKeyPem = this.#grantKey.publicKey
      .export({ type: 'spki', format: 'pem' })
      .toString();
    for (const kind of CHECKED_KINDS)
      this.#guarded[kind] = await this.#startSet(this.#guardedDirs[kind], kind, publicKeyPem);
    this.#log(
      `five open business systems and, for each gridmark with access control, five that require grants are serving`,
    );
  }

  async #startSet(
    dataDir: string,
    set: string,
    gatewayPublicKeyPem?: string,
  ): Promise<DemoSystems> {
    const systems = await withBenchEnvironment(() =>
      startDemoSystems({
        port: 0,
        host: '127.0.0.1',
        dataDir,
        logger: createConsoleLogger('gateway-bench'),
        nodeArguments: (system) => profileArgs(`${set}-${system}`),
        ...(gatewayPublicKeyPem ? { gatewayPublicKeyPem } : {}),
      }),
    );
    this.#sets.push(systems);
    return systems;
  }

  async #startGateway(kind: GatewayKind): Promise<void> {
    const { dataDir, systems } = this.setOf(kind);
    // Kept before the wait, so that a gateway that fails to start is still stopped.
    const forked = forkGateway(
      kind,
      dataDir,
      systems,
      this.#grantKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    );
    this.#gateways.push(forked);
    this.#gateways[this.#gateways.length - 1] = { ...forked, ...(await forked.ready) };
    this.#log(`${kind} gateway serving at ${this.#gateways.at(-1)?.url ?? ''}`);
  }
}
