import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { ConfigError } from "../../client/errors.js";
import { createClient } from "../../client/index.js";
import { parseRateLimitMode } from "../../emulator/admin.js";
import { startEmulator } from "../../emulator/server.js";
import { runExtract } from "../../extract/runner.js";
import { STREAMS } from "../../extract/streams/index.js";
import { DuckDBTarget } from "../../extract/targets/duckdb.js";
import { getAction } from "../../load/actions/index.js";
import { runSync, type SyncSpec } from "../../load/engine.js";
import { openModel } from "../../load/models/index.js";
import { openLoadState } from "../../load/state/index.js";
import type { CliContext } from "../main.js";
import { createProgressReporter } from "../progress.js";

const DEMO_KEY = "pk_demo_local_emulator";

/** The bundled sample model: customers whose Placed Order revenue makes them VIPs. */
export const VIP_MODEL_SQL = `SELECT p.id AS profile_id, p.email,
       round(sum(CAST(json_extract(e.event_properties, '$."$value"') AS DOUBLE)), 2) AS lifetime_value,
       count(*) AS orders
FROM events e
JOIN metrics m ON m.id = e.metric_id AND m.name = 'Placed Order'
JOIN profiles p ON p.id = e.profile_id
WHERE p.email IS NOT NULL
GROUP BY 1, 2
HAVING sum(CAST(json_extract(e.event_properties, '$."$value"') AS DOUBLE)) >= 500`;

export const REVENUE_SQL = `SELECT strftime(date_trunc('month', e.datetime), '%Y-%m') AS month,
       count(*) AS orders,
       round(sum(CAST(json_extract(e.event_properties, '$."$value"') AS DOUBLE)), 2) AS revenue,
       round(avg(CAST(json_extract(e.event_properties, '$."$value"') AS DOUBLE)), 2) AS avg_order
FROM events e JOIN metrics m ON m.id = e.metric_id
WHERE m.name = 'Placed Order'
GROUP BY 1 ORDER BY 1 DESC LIMIT 6`;

function table(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return "(no rows)";
  const cols = Object.keys(rows[0] as Record<string, unknown>);
  const cells = rows.map((r) => cols.map((c) => String(r[c] ?? "")));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => (row[i] as string).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i] as number)).join("  ");
  return [line(cols), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

export function registerDemoCommand(program: Command, ctx: CliContext): void {
  program
    .command("demo")
    .description(
      "Start the Klaviyo emulator with a demo store, extract every stream into a local DuckDB file, show what is in it, then sync VIP customers computed there back into Klaviyo (profiles + a mirrored list). Needs nothing but `npm install`.",
    )
    .option("--db <path>", "DuckDB file to write (replaced on every demo run)", "klaviyo-demo.duckdb")
    .option(
      "--rate-limits <mode>",
      "emulator and client limits: real, or a factor like 10x (default 10x, so the demo takes seconds)",
    )
    .action(async (opts: { db: string; rateLimits?: string }, cmd: Command) => {
      const global = cmd.optsWithGlobals() as { rateLimits?: string; verbose?: boolean };
      const modeText = opts.rateLimits ?? global.rateLimits ?? "10x";
      const limits = parseRateLimitMode(modeText);
      if (!limits?.enabled) {
        throw new ConfigError(
          `--rate-limits for the demo must be "real" or a factor such as "10x"; got "${modeText}".`,
        );
      }
      const dbPath = resolve(opts.db);
      for (const f of [dbPath, `${dbPath}.wal`]) if (existsSync(f)) rmSync(f);
      const out = ctx.output;
      const emu = await startEmulator({ apiKeys: [DEMO_KEY], seed: "demo", rateLimits: limits });
      out.err(
        `Started the Klaviyo emulator at ${emu.url} with a demo store (${emu.store.profiles.size.toLocaleString("en-US")} profiles, ${emu.store.events.size.toLocaleString("en-US")} events), rate limits ${limits.scale === 1 ? "as Klaviyo's" : `at ${limits.scale}x Klaviyo's`}.`,
      );
      const client = createClient({
        apiKey: DEMO_KEY,
        baseUrl: emu.url,
        env: {},
        rateLimit: { enabled: true, scale: limits.scale },
      });
      const target = new DuckDBTarget(dbPath);
      const progress = createProgressReporter(out, { tty: process.stderr.isTTY === true, format: "text" });
      progress.waitStats(() => client.stats.budgetWaitMs + client.stats.backoffWaitMs);
      try {
        await target.open();
        const result = await runExtract({
          client,
          target,
          streams: STREAMS.map((s) => ({ name: s.name })),
          onProgress: (e) => progress.onProgress(e),
        });
        progress.finish(result.results);
        const failed = result.results.filter((r) => r.status === "failed");
        out.out(
          `\nExtracted ${result.results.length - failed.length} of ${result.results.length} streams into ${dbPath}:\n`,
        );
        const counts: Record<string, unknown>[] = [];
        for (const r of result.results) {
          if (r.status !== "ok") continue;
          counts.push({ table: r.stream, rows: (await target.count(r.stream)).toLocaleString("en-US") });
        }
        out.out(table(counts));
        out.out("\nRevenue by month, from Placed Order events:\n");
        out.out(table(await target.query(REVENUE_SQL)));
        out.out(
          [
            "",
            `Explore it: duckdb ${opts.db}   (or any DuckDB client)`,
            "Run the same extract against your Klaviyo account:",
            "  export KLAVIYO_API_KEY=pk_...          # Klaviyo > Settings > API keys > Create Private API Key",
            "  npx klaviyo-sync extract --streams all --target duckdb:./klaviyo.duckdb",
          ].join("\n"),
        );
        if (failed.length > 0) ctx.exitCode = 4;
        if (!failed.some((f) => ["events", "metrics", "profiles"].includes(f.stream))) {
          await target.close();
          await syncVips(ctx, client, dbPath);
        }
      } finally {
        await target.close();
        await client.close();
        await emu.close();
      }
    });
}

/** The reverse direction: VIPs computed in the warehouse go back to Klaviyo as a property and a list. */
async function syncVips(
  ctx: CliContext,
  client: ReturnType<typeof createClient>,
  dbPath: string,
): Promise<void> {
  const out = ctx.output;
  const profilesAction = getAction("profiles");
  const listAction = getAction("list_membership");
  if (!profilesAction || !listAction) return;
  const state = await openLoadState(join(mkdtempSync(join(tmpdir(), "klaviyo-sync-demo-")), "state.duckdb"));
  const source = `duckdb:${dbPath}`;
  const syncs: SyncSpec[] = [
    {
      name: "vip_profiles",
      action: profilesAction,
      mode: "upsert",
      primaryKey: ["profile_id"],
      mapping: [
        { column: "email", field: "email" },
        { column: "lifetime_value", field: "properties.lifetime_value" },
        { column: "orders", field: "properties.order_count" },
      ],
      constants: { "properties.vip_source": "warehouse" },
      options: profilesAction.parseOptions({ identify_by: "email" }, "upsert"),
    },
    {
      name: "vip_list",
      action: listAction,
      mode: "mirror",
      primaryKey: ["profile_id"],
      mapping: [{ column: "email", field: "email" }],
      options: listAction.parseOptions(
        { list_name: "VIP customers (warehouse)", identify_by: "email" },
        "mirror",
      ),
    },
  ];
  try {
    out.out(
      "\nAnd back: VIP customers (Placed Order revenue >= 500) computed in DuckDB, synced into Klaviyo:\n",
    );
    for (const sync of syncs) {
      const r = await runSync({
        client,
        sync,
        state,
        openModel: () => openModel(source, { sql: VIP_MODEL_SQL }),
      });
      const s = r.summary;
      out.out(
        `  ${sync.name.padEnd(13)} ${sync.action.name} ${sync.mode}: ${s.queried} rows; ${s.succeeded} succeeded, ${s.invalid} invalid, ${s.rejected} rejected in ${(s.durationMs / 1000).toFixed(1)}s`,
      );
    }
    out.out(
      "  Run it again and nothing is sent: only rows that change are synced (klaviyo-sync load --config load.yaml).",
    );
  } finally {
    await state.close();
  }
}
