#!/usr/bin/env node
// The netc command: the bundled CLI (dist/bundle, built by `npm install`).
import { main } from "../dist/bundle/netc.js";

process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0); // `netc ... | head` is fine
  throw e;
});
process.exitCode = await main(process.argv.slice(2));
