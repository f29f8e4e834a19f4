#!/usr/bin/env node
// The `corral` binary.
import { hideBin } from 'yargs/helpers';
import { tuneHeapFor } from './heap.js';

const args = hideBin(process.argv);
tuneHeapFor(args);
// Loaded after the heap is tuned: loading the commands is the first burst of allocation.
const { runCli } = await import('./cli.js');
process.exitCode = await runCli(args);
