import type { CliCommand } from './command.js';

/**
 * Every `gridmark` sub-command. Each area keeps its commands in its own module under
 * `commands/` and lists them here.
 */
export async function loadCommands(): Promise<readonly CliCommand[]> {
  const modules = await Promise.all([
    import('./commands/enterprise-commands.js'),
    import('./commands/system-commands.js'),
    import('./commands/system-serve-command.js'),
    import('./commands/device-commands.js'),
    import('./commands/identifier-status-commands.js'),
    import('./commands/registry-oversight-commands.js'),
    import('./commands/application-commands.js'),
    import('./commands/identifier-commands.js'),
    import('./commands/verify-commands.js'),
    import('./commands/ledger-commands.js'),
    import('./commands/ledger-archive-commands.js'),
    import('./commands/outbox-commands.js'),
    import('./commands/credit-commands.js'),
    import('./commands/finance-commands.js'),
    import('./commands/init-commands.js'),
    import('./commands/serve-commands.js'),
    import('./commands/key-commands.js'),
    import('./commands/system-self-service-commands.js'),
    import('./commands/system-check-command.js'),
    // Areas add their command modules here, e.g. import('./commands/ledger-commands.js').
  ] as Promise<{ readonly commands: readonly CliCommand[] }>[]);
  return modules.flatMap((m) => m.commands);
}
