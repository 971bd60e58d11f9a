#!/usr/bin/env node
import { main } from "../dist/cli/netc.js";
process.exitCode = await main(process.argv.slice(2));
