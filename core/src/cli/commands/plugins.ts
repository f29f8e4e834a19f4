import type { CommandModule } from 'yargs';
import type { CorralReport, PluginReport } from '../../kernel/inspect.js';
import { ROLES, type Role } from '../../kernel/roles.js';
import type { CliContext, GlobalArgs } from '../context.js';

interface PluginsArgs extends GlobalArgs {
  output: 'table' | 'json';
  role: Role;
}

/** `corral plugins`: loads the config as a process would and shows what each plugin did. */
export function pluginsCommand(ctx: CliContext): CommandModule<GlobalArgs, PluginsArgs> {
  return {
    command: 'plugins',
    describe: 'List the loaded plugins: where each came from, its options, and the hooks it taps',
    builder: (y) =>
      y
        .option('output', { alias: 'o', choices: ['table', 'json'] as const, default: 'table' as const, describe: 'output format' })
        .option('role', { choices: ROLES, default: 'all' as Role, describe: 'load as this process role would' }),
    handler: async (argv) => {
      const [{ createCorral }, { describeCorral }] = await Promise.all([import('../../kernel/boot.js'), import('../../kernel/inspect.js')]);
      const corral = await createCorral({ role: argv.role, configFile: argv.config });
      const report = describeCorral(corral);
      ctx.stdout.write(argv.output === 'json' ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
    },
  };
}

function renderReport(report: CorralReport): string {
  const lines = [`Config: ${report.configFiles.join(' + ')} (role: ${report.role})`, ''];
  for (const p of report.plugins) lines.push(...renderPlugin(p), '');
  lines.push('Scheduler profiles:');
  if (report.schedulerProfiles.length === 0) lines.push('  (none in this role)');
  for (const profile of report.schedulerProfiles) {
    lines.push(`  ${profile.name}`);
    const points = Object.entries(profile.enabled);
    if (points.length === 0) lines.push('    (no scheduler plugins enabled)');
    for (const [point, plugins] of points) {
      lines.push(`    ${`${point}:`.padEnd(11)} ${plugins.map((e) => (e.weight !== undefined ? `${e.name} (weight ${e.weight})` : e.name)).join(', ')}`);
    }
  }
  return lines.join('\n') + '\n';
}

function renderPlugin(p: PluginReport): string[] {
  const source = p.source.kind === 'package' ? `package ${p.source.package} -> ${p.source.file}` : `path ${p.source.file}`;
  const taps = p.taps.map((t) => t.hook + (t.stage ? ` (stage ${t.stage})` : '') + (t.before ? ` (before ${String(t.before)})` : ''));
  const registered = [
    ...count('resource', p.registered.resources),
    ...count('controller', p.registered.controllers),
    ...count('scheduler plugin', p.registered.schedulerPlugins),
    ...count('component', p.registered.components),
  ];
  return [
    `${p.name}${p.applied ? '' : `  (not ${p.loaded ? 'applied' : 'loaded'}: roles ${p.roles?.join(', ')})`}`,
    `  entry:      ${p.entry}  (${p.configuredAt})`,
    `  source:     ${source}`,
    `  options:    ${p.options === undefined ? '(none)' : JSON.stringify(p.options)}`,
    `  taps:       ${taps.join(', ') || '(none)'}`,
    ...(registered.length > 0 ? [`  registered: ${registered.join('; ')}`] : []),
  ];
}

function count(what: string, names: readonly string[]): string[] {
  if (names.length === 0) return [];
  return [`${names.length} ${what}${names.length === 1 ? '' : 's'}: ${names.join(', ')}`];
}
