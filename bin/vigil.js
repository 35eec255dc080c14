#!/usr/bin/env node
// Vigil's CLI entry. TypeScript sources run through tsx's loader so that
// `npm install && npm start` needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../api/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
