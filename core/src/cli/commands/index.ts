import type { CommandModule } from 'yargs';
import type { CliContext, GlobalArgs } from '../context.js';

/** A command: one file in this folder exporting a factory, plus one line in `commands`. */
export type CommandFactory = (ctx: CliContext) => CommandModule<GlobalArgs, any>;

/**
 * A command by its name (the first word of its `command`), and how to load its module. Only the
 * command being run is loaded (all of them for help and usage errors): `corral agent` does not
 * carry the kubectl verbs, nor `corral get` the API server.
 */
export interface CommandEntry {
  readonly name: string;
  load(): Promise<CommandFactory>;
}

export const commands: readonly CommandEntry[] = [
  { name: 'up', load: async () => (await import('./up.js')).upCommand },
  { name: 'server', load: async () => (await import('./server.js')).serverCommand },
  { name: 'agent', load: async () => (await import('./agent.js')).agentCommand },
  { name: 'plugins', load: async () => (await import('./plugins.js')).pluginsCommand },
  { name: 'apply', load: async () => (await import('./apply.js')).applyCommand },
  { name: 'create', load: async () => (await import('./create.js')).createCommand },
  { name: 'replace', load: async () => (await import('./replace.js')).replaceCommand },
  { name: 'get', load: async () => (await import('./get.js')).getCommand },
  { name: 'describe', load: async () => (await import('./describe.js')).describeCommand },
  { name: 'delete', load: async () => (await import('./delete.js')).deleteCommand },
  { name: 'edit', load: async () => (await import('./edit.js')).editCommand },
  { name: 'scale', load: async () => (await import('./scale.js')).scaleCommand },
  { name: 'set', load: async () => (await import('./set.js')).setCommand },
  { name: 'label', load: async () => (await import('./label.js')).labelCommand },
  { name: 'annotate', load: async () => (await import('./annotate.js')).annotateCommand },
  { name: 'rollout', load: async () => (await import('./rollout.js')).rolloutCommand },
  { name: 'rolling-update', load: async () => (await import('./rolling-update.js')).rollingUpdateCommand },
  { name: 'logs', load: async () => (await import('./logs.js')).logsCommand },
  { name: 'exec', load: async () => (await import('./exec.js')).execCommand },
  { name: 'api-resources', load: async () => (await import('./api-resources.js')).apiResourcesCommand },
  { name: 'version', load: async () => (await import('./version.js')).versionCommand },
  { name: 'completion', load: async () => (await import('./completion.js')).completionCommand },
];
