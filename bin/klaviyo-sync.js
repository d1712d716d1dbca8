#!/usr/bin/env node
// Entry point of the `klaviyo-sync` command: runs the compiled CLI (built by `npm install` / `npm run build`).
//
// CommonJS on purpose (bin/package.json): this file runs before Node's ES module loader has read a
// file, and so before libuv's thread pool starts. The pool runs DuckDB's calls (one connection per
// target, one call at a time) and the odd DNS lookup; Node starts 4 threads, and each takes a malloc
// arena of its own. With 2, an extract of 1M events into DuckDB peaked 10-15 MB lower (290-297 MB
// against 306-307), as fast. A UV_THREADPOOL_SIZE the user sets is kept.
"use strict";
const { existsSync } = require("node:fs");
const { join } = require("node:path");
const { pathToFileURL } = require("node:url");

if (process.env.UV_THREADPOOL_SIZE === undefined) process.env.UV_THREADPOOL_SIZE = "2";

const compiled = join(__dirname, "..", "dist", "cli", "main.js");
if (!existsSync(compiled)) {
  process.stderr.write(
    "klaviyo-sync is not built yet: run `npm install` (or `npm run build`) in the project folder first.\n",
  );
  process.exit(2);
}
// A failure to load is thrown (an unhandled rejection): Node prints it and exits with 1.
import(pathToFileURL(compiled).href).then(async ({ main }) => {
  process.exitCode = await main(process.argv);
});
