#!/usr/bin/env node
// Thin launcher so `npx strata` works from the repo root after `npm ci` (which builds dist/).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
