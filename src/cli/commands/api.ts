import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { ConfigError } from "../../client/errors.js";
import type { HttpMethod } from "../../client/types.js";
import { clientFromCli } from "../client.js";
import type { CliContext, GlobalOptions } from "../main.js";

const METHODS = new Set(["GET", "POST", "PATCH", "PUT", "DELETE"]);

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `--query k=v` pairs → URLSearchParams (a repeated key is an error: Klaviyo takes one value per key). */
export function parseQueryPairs(pairs: string[]): URLSearchParams {
  const params = new URLSearchParams();
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0)
      throw new ConfigError(`--query expects key=value, e.g. --query "page[size]=100"; got "${pair}".`);
    const key = pair.slice(0, eq);
    if (params.has(key))
      throw new ConfigError(`--query ${key} is given twice; join several values with commas instead.`);
    params.set(key, pair.slice(eq + 1));
  }
  return params;
}

/** `--data` as inline JSON, `@file`, or `@-` for standard input. */
export function readData(raw: string, readStdin: () => string = () => readFileSync(0, "utf8")): unknown {
  let text = raw;
  let source = "--data";
  if (raw === "@-") {
    text = readStdin();
    source = "standard input";
  } else if (raw.startsWith("@")) {
    const file = raw.slice(1);
    source = file;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      throw new ConfigError(
        `Cannot read --data file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`,
      );
    }
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${source} is not valid JSON: ${(err as Error).message}.`);
  }
}

export function registerApiCommand(program: Command, ctx: CliContext): void {
  program
    .command("api")
    .description("Send a raw request to any Klaviyo API operation and print the JSON response.")
    .argument("<method>", "GET, POST, PATCH, PUT or DELETE")
    .argument("<path>", "path such as /api/profiles or /api/profiles/01H...; may include a query string")
    .option(
      "-q, --query <key=value>",
      "query parameter (repeatable), e.g. --query 'page[size]=100'",
      collect,
      [],
    )
    .option("-d, --data <json|@file|@->", "JSON request body, inline, from a file, or from standard input")
    .option("--all", "follow links.next through every page and print one JSON line per item (GET only)")
    .addHelpText(
      "after",
      `
Examples:
  klaviyo-sync api GET /api/accounts
  klaviyo-sync api GET /api/profiles --query "filter=equals(email,'ada@example.com')"
  klaviyo-sync api GET /api/events --query "page[size]=1000" --all > events.jsonl
  klaviyo-sync api POST /api/lists --data '{"data":{"type":"list","attributes":{"name":"VIP"}}}'

Requests go through the same rate budget and retries as every other command.`,
    )
    .action(
      async (
        method: string,
        path: string,
        opts: { query: string[]; data?: string; all?: boolean },
        cmd: Command,
      ) => {
        const m = method.toUpperCase();
        if (!METHODS.has(m))
          throw new ConfigError(`Unknown method "${method}": use GET, POST, PATCH, PUT or DELETE.`);
        if (!path.startsWith("/"))
          throw new ConfigError(`The path must start with "/", e.g. /api/profiles; got "${path}".`);
        if (opts.all && m !== "GET") throw new ConfigError("--all only works with GET requests.");
        const query = parseQueryPairs(opts.query);
        const body = opts.data === undefined ? undefined : readData(opts.data);
        const global = cmd.optsWithGlobals() as GlobalOptions;
        const client = clientFromCli(ctx, global);
        try {
          if (opts.all) {
            let n = 0;
            for await (const item of client.paginatePath(path, { query })) {
              ctx.output.out(JSON.stringify(item));
              n++;
            }
            if (global.verbose || global.debug) ctx.output.err(`${n} items`);
            return;
          }
          const res = await client.requestWithResponse(m as HttpMethod, path, {
            query,
            ...(body === undefined ? {} : { body }),
          });
          if (res.body !== undefined) ctx.output.out(JSON.stringify(res.body, null, 2));
          if (global.verbose || global.debug || res.body === undefined) ctx.output.err(`HTTP ${res.status}`);
        } finally {
          await client.close();
        }
      },
    );
}
