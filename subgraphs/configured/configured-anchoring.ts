import { existsSync, readFileSync, statSync } from 'node:fs';
import { GridmarkError, isLooserThanOwnerOnly, type Logger } from '../../schema/index.js';
import {
  createAnchorer,
  createRegistryAnchorSink,
  type AnchorJournal,
  type Anchorer,
} from '../kit/index.js';
import type { ConfiguredDeclaration } from './configured-declaration.js';
import { API_KEY_ENV, type Environment } from './system-config-env.js';
import type { SystemConfig } from './system-config-schema.js';

/** Where a configured system's anchoring is. */
export type AnchoringState =
  | { readonly phase: 'off' }
  | { readonly phase: 'waiting-for-key'; readonly file: string }
  | { readonly phase: 'anchoring'; readonly anchorer: Anchorer }
  | { readonly phase: 'stopped' };

/** How the first anchoring pass ended: commitments anchored, or the error (passes go on). */
export type FirstPassOutcome = { readonly anchored: number } | { readonly error: unknown };

/** A configured system's anchoring schedule. */
export interface ConfiguredAnchoring {
  state(): AnchoringState;
  stop(): Promise<void>;
}

/** How often a missing API key file is looked for again. */
const KEY_FILE_POLL_MS = 2_000;

/**
 * Anchors on the configured schedule when `anchoring` names a registry and a system code: a pass
 * at once, then every `intervalSeconds`. The API key comes from `GRIDMARK_SYSTEM_API_KEY` or
 * from `anchoring.apiKeyFile`, which must be readable by its owner only; a key file that does not
 * exist yet (the system is registered after it serves) is waited for.
 *
 * @throws GridmarkError `BAD_CONFIGURATION` (`anchoring.apiKeyFile`) when the key file is open
 *   to other users or empty.
 */
export function startConfiguredAnchoring(options: {
  readonly config: SystemConfig;
  readonly configured: ConfiguredDeclaration;
  readonly journal: AnchorJournal;
  readonly env: Environment;
  readonly logger: Logger;
  readonly onFirstPass?: (outcome: FirstPassOutcome) => void;
}): ConfiguredAnchoring {
  const { anchoring } = options.config;
  const { registryUrl, systemCode } = anchoring;
  if (registryUrl === undefined || systemCode === undefined) return offAnchoring();
  let state: AnchoringState = { phase: 'off' };
  let poll: NodeJS.Timeout | undefined;

  const begin = (apiKey: string): void => {
    const anchorer = createAnchorer({
      declaration: options.configured.declaration,
      listDevices: () => options.configured.listDevices(),
      journal: options.journal,
      sink: createRegistryAnchorSink({ registryUrl, systemCode, apiKey }),
      logger: options.logger,
      batchSize: anchoring.batchSize,
    });
    state = { phase: 'anchoring', anchorer };
    options.logger.info(`anchoring every ${anchoring.intervalSeconds} s as ${systemCode}`);
    anchorer
      .anchorPass()
      .then(
        ({ anchored }) => options.onFirstPass?.({ anchored }),
        (error: unknown) => {
          options.logger.warn(
            `anchoring failed, will retry: ${error instanceof Error ? error.message : String(error)}`,
          );
          options.onFirstPass?.({ error });
        },
      )
      .finally(() => {
        if (state.phase === 'anchoring') anchorer.start(anchoring.intervalSeconds * 1000);
      });
  };

  const fromEnv = options.env[API_KEY_ENV];
  const file = anchoring.apiKeyFile;
  if (fromEnv) begin(fromEnv);
  else if (file !== undefined) {
    const key = readApiKeyFile(file);
    if (key !== undefined) begin(key);
    else {
      state = { phase: 'waiting-for-key', file };
      options.logger.info(`anchoring starts once the API key file ${file} exists`);
      poll = setInterval(() => {
        try {
          const found = readApiKeyFile(file);
          if (found === undefined) return;
          clearInterval(poll);
          begin(found);
        } catch (error) {
          options.logger.error(error instanceof Error ? error.message : String(error));
        }
      }, KEY_FILE_POLL_MS);
      poll.unref();
    }
  }
  return {
    state: () => state,
    async stop() {
      if (poll) clearInterval(poll);
      const current = state;
      state = { phase: 'stopped' };
      if (current.phase === 'anchoring') await current.anchorer.stop();
    },
  };
}

function offAnchoring(): ConfiguredAnchoring {
  return { state: () => ({ phase: 'off' }), stop: () => Promise.resolve() };
}

/**
 * The API key a file holds, or undefined while the file does not exist.
 *
 * @throws GridmarkError `BAD_CONFIGURATION` when the file is open to other users (a key that may
 *   have been read must be replaced, not used) or holds no key.
 */
export function readApiKeyFile(file: string): string | undefined {
  if (!existsSync(file)) return undefined;
  const bad = (message: string): never => {
    throw new GridmarkError('BAD_CONFIGURATION', `anchoring.apiKeyFile: ${file} ${message}`, {
      details: { setting: 'anchoring.apiKeyFile' },
    });
  };
  if (!statSync(file).isFile()) bad('is not a file.');
  if (isLooserThanOwnerOnly(file)) {
    const mode = (statSync(file).mode & 0o777).toString(8).padStart(4, '0');
    bad(
      `is readable by other users (mode ${mode}); the key may have been read, so it is not used. Have a new key issued, keep it with mode 0600 (chmod 600).`,
    );
  }
  const key = readFileSync(file, 'utf8').trim();
  if (key === '') bad('holds no key.');
  return key;
}
