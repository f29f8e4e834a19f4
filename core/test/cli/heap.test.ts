import test from 'ava';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const heapModule = new URL('../../src/cli/heap.js', import.meta.url).href;

/** The young generation's size (MB) after a burst of short-lived allocation, in a fresh Node. */
async function youngGenerationAfterBurst(args: string[]): Promise<number> {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8';
    import { tuneHeapFor } from ${JSON.stringify(heapModule)};
    tuneHeapFor(${JSON.stringify(args)});
    const kept = [];
    for (let i = 0; i < 1e6; i++) { kept.push({ i, s: 'x' + i }); if (kept.length > 1e5) kept.length = 0; }
    const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    console.log(space.space_size / 1048576);
  `;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script]);
  return Number(stdout.trim());
}

test('the agent keeps its young generation at its initial size; other commands let it grow', async (t) => {
  const [agent, agentAfterConfig, server] = await Promise.all([
    youngGenerationAfterBurst(['agent', '--node-name', 'n1']),
    youngGenerationAfterBurst(['--config', 'c.yaml', 'agent']),
    youngGenerationAfterBurst(['server']),
  ]);
  t.true(agent <= 2, `agent: ${agent} MB`);
  t.true(agentAfterConfig <= 2, `--config c.yaml agent: ${agentAfterConfig} MB`);
  t.true(server > 2, `server: ${server} MB`);
});

test('a value of --config named "agent" is not the agent command', async (t) => {
  t.true((await youngGenerationAfterBurst(['--config', 'agent', 'get', 'pods'])) > 2);
});
