#!/usr/bin/env node
// Entry point of the `klaviyo-sync` command: runs the compiled CLI (built by `npm install` / `npm run build`).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const compiled = join(root, "dist", "cli", "main.js");
if (!existsSync(compiled)) {
  process.stderr.write(
    "klaviyo-sync is not built yet: run `npm install` (or `npm run build`) in the project folder first.\n",
  );
  process.exit(2);
}
const { main } = await import(pathToFileURL(compiled).href);
process.exitCode = await main(process.argv);
