import type { Argv, CommandModule } from 'yargs';
import type { ApiObject, Container, PodSpec } from '../../api/types.js';
import { twoWayMergePatch } from '../../server/patch/index.js';
import type { CliContext, GlobalArgs } from '../context.js';
import { CliError, clientHandler, withClientFlags, type ClientArgs } from '../kube/connect.js';
import { currentObject, forEachObject } from '../kube/each-object.js';
import { objectRef } from '../kube/targets.js';

interface SetImageArgs extends ClientArgs {
  args: string[];
  selector?: string;
  all: boolean;
}

/** `corral set image TYPE/NAME container=image...`: kubectl set image. */
export function setCommand(ctx: CliContext): CommandModule<GlobalArgs, any> {
  return {
    command: 'set',
    describe: 'Set specific features on objects',
    builder: (y) =>
      y
        .command<SetImageArgs>({
          command: 'image <args..>',
          describe: "Update the image of a pod template's containers",
          builder: (sub) =>
            withClientFlags(sub)
              .positional('args', { type: 'string', array: true, describe: 'TYPE NAME CONTAINER=IMAGE... (* for every container)' })
              .option('selector', { alias: 'l', type: 'string', describe: 'change the objects matching this label selector' })
              .option('all', { type: 'boolean', default: false, describe: 'change every object of the type in the namespace' }) as Argv<SetImageArgs>,
          handler: clientHandler<SetImageArgs>(ctx, async (argv, client) => {
            const resources = argv.args.filter((a) => !a.includes('='));
            const images = Object.fromEntries(argv.args.filter((a) => a.includes('=')).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));
            if (Object.keys(images).length === 0) throw new CliError('at least one image update is required, as CONTAINER=IMAGE');
            await forEachObject(ctx, client, resources, argv, async (target) => {
              const original = await currentObject(client, target);
              const updated = structuredClone(original);
              const spec = podSpecOf(updated, target.resource.kind);
              if (!spec) throw new CliError(`${objectRef(target.resource, target.name)} has no pod template to set an image in`);
              const containers: Container[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
              for (const [name, image] of Object.entries(images)) {
                const matching = name === '*' ? containers : containers.filter((c) => c.name === name);
                if (matching.length === 0) throw new CliError(`unable to find container named "${name}"`);
                for (const c of matching) c.image = image;
              }
              const patch = twoWayMergePatch(target.resource.kind, original, updated);
              if (Object.keys(patch).length > 0) await client.patch(target.resource, target.name, patch, 'strategic', { namespace: target.namespace });
              ctx.stdout.write(`${objectRef(target.resource, target.name)} image updated\n`);
            });
          }),
        })
        .demandCommand(1, 'name what to set: image'),
    handler: () => undefined,
  };
}

/** The pod spec an object runs: a Pod's own, a workload's template, a CronJob's job template. */
export function podSpecOf(obj: ApiObject, kind = obj.kind): PodSpec | undefined {
  const spec = obj.spec as Record<string, any> | undefined;
  if (!spec) return undefined;
  if (kind === 'Pod') return spec as PodSpec;
  if (spec.template?.spec) return spec.template.spec as PodSpec;
  return spec.jobTemplate?.spec?.template?.spec as PodSpec | undefined;
}
