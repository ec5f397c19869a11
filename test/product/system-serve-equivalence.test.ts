import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildPlant,
  DEMO_SYSTEMS,
  openSystemDatabase,
  type DemoSystem,
  type SqliteDatabase,
} from '../../scripts/demo/index.js';
import { GRANT_HEADER, signGrant, silentLogger } from '../../schema/index.js';
import {
  loadSystemConfig,
  serveSubgraph,
  startConfiguredSystem,
  type RunningConfiguredSystem,
  type RunningSubgraph,
} from '../../subgraphs/index.js';

/**
 * Each demo system's config file (scripts/demo/systems/<name>/<name>.system.yaml) declares what
 * its code declares: served side by side over one seeded database, over HTTP, the configured
 * system and the coded one give the same SDL and the same `_entities` answers.
 */
const dir = mkdtempSync(join(tmpdir(), 'gridmark-system-equivalence-'));
const plant = buildPlant({
  now: new Date('2026-06-21T04:00:00Z'),
  blocks: 1,
  stringsPerBlock: 2,
  modulesPerString: 3,
});
const gateway = generateKeyPairSync('ed25519');
const gatewayPem = gateway.publicKey.export({ type: 'spki', format: 'pem' }).toString();

interface Pair {
  readonly system: DemoSystem;
  readonly db: SqliteDatabase;
  readonly held: readonly string[];
  readonly coded: RunningSubgraph;
  readonly configured: RunningConfiguredSystem;
}
const pairs: Pair[] = [];

async function servePair(system: DemoSystem): Promise<Pair> {
  const path = join(dir, `${system.name}.db`);
  const db = openSystemDatabase(path);
  system.createTables(db);
  const held = system.seed(db, plant);
  const coded = await serveSubgraph(
    system.createSubgraph(db, {
      access: { kind: 'grants', gatewayPublicKey: gateway.publicKey },
    }),
    { port: 0 },
    { logger: silentLogger },
  );
  const env = {
    GRIDMARK_SYSTEM_SQLITE_PATH: path,
    GRIDMARK_SYSTEM_JOURNAL_PATH: join(dir, `${system.name}.anchors.db`),
    GRIDMARK_SYSTEM_PORT: '0',
    GRIDMARK_GATEWAY_PUBLIC_KEY: gatewayPem,
  };
  const file = new URL(
    `../../scripts/demo/systems/${system.name}/${system.name}.system.yaml`,
    import.meta.url,
  ).pathname;
  const configured = await startConfiguredSystem(loadSystemConfig(file, { env }), {
    env,
    logger: silentLogger,
  });
  return { system, db, held, coded, configured };
}

beforeAll(async () => {
  for (const system of DEMO_SYSTEMS) pairs.push(await servePair(system));
}, 60_000);

afterAll(async () => {
  for (const pair of pairs) {
    await pair.coded.stop();
    await pair.configured.stop();
    pair.db.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

/** An answer without its grant key, which each process picks for itself. */
function withoutGrantKey(answer: unknown): unknown {
  const { extensions, ...rest } = answer as { extensions?: { gridmark?: { grantKey?: string } } };
  expect(extensions?.gridmark?.grantKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return rest;
}

async function post(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  grant?: string,
): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(grant === undefined ? {} : { [GRANT_HEADER]: grant }),
    },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

function grantFor(system: string, devices: readonly string[], fields: readonly string[]): string {
  return signGrant(
    {
      v: 1,
      app: 'APP-0001',
      fn: 'lifecycle',
      role: '*',
      sys: system,
      devices: [...devices],
      fields: [...fields],
      res: 'RES-1',
      exp: Date.now() + 60_000,
      nonce: randomUUID(),
    },
    gateway.privateKey,
  );
}

const SDL = '{ _service { sdl } }';

describe('the demo systems configured from YAML', () => {
  it('serve the same SDL as their code declarations', async () => {
    expect(pairs).toHaveLength(5);
    for (const { coded, configured, system } of pairs) {
      const [a, b] = await Promise.all([post(coded.url, SDL), post(configured.url, SDL)]);
      expect(withoutGrantKey(b), system.name).toEqual(withoutGrantKey(a));
      expect(JSON.stringify(b)).toContain('@key(fields: \\"id\\")');
    }
  });

  it('answer _entities alike, field by field, for every device they hold and one they do not', async () => {
    for (const { coded, configured, system, held } of pairs) {
      const fields = configured.subgraph.fields.map((f) => f.name);
      const selection = fields
        .map((f) => (f === 'maintenanceRecords' ? `${f} { time fault technician remedy }` : f))
        .join(' ');
      const ids = [...held, `${system.prefix}/NOT-HELD-1`];
      const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Device { id ${selection} } } }`;
      const variables = { r: ids.map((id) => ({ __typename: 'Device', id })) };
      const [a, b] = await Promise.all([
        post(coded.url, query, variables, grantFor(system.name, ids, fields)),
        post(configured.url, query, variables, grantFor(system.name, ids, fields)),
      ]);
      expect(withoutGrantKey(b), system.name).toEqual(withoutGrantKey(a));
      const entities = (b as { data: { _entities: unknown[] } }).data._entities;
      expect(entities).toHaveLength(ids.length);
      expect(entities.at(-1)).toBeNull();
      expect(entities.filter((e) => e !== null).length).toBe(held.length);
    }
  });

  it('refuse a request without a grant, as the code declarations do', async () => {
    const { coded, configured, held, system } = pairs[0] as Pair;
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Device { id } } }`;
    const variables = { r: [{ __typename: 'Device', id: held[0] }] };
    const [a, b] = await Promise.all([
      post(coded.url, query, variables),
      post(configured.url, query, variables),
    ]);
    expect(withoutGrantKey(b), system.name).toEqual(withoutGrantKey(a));
    expect(JSON.stringify(b)).toContain('GRANT_REFUSED');
  });
});
