/**
 * The configs and catalogs docs/protocols.md shows are the ones the commands accept: each JSON
 * block is parsed by the parser of what it stands for.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadStreams } from "../../src/protocol/airbyte/destination.js";
import { parseConfiguredCatalog } from "../../src/protocol/airbyte/messages.js";
import { parseDestinationConfig, parseSourceConfig } from "../../src/protocol/config.js";
import { ROOT } from "./helpers.js";

const text = readFileSync(join(ROOT, "docs", "protocols.md"), "utf8");
const blocks = [...text.matchAll(/```json\n([\s\S]*?)```/g)].map(
  (m) => JSON.parse(m[1] ?? "") as Record<string, unknown>,
);

describe("docs/protocols.md", () => {
  it("shows a source config, a destination config and a configured catalog the commands accept", () => {
    expect(blocks).toHaveLength(3);
    const [source, destination, catalog] = blocks;
    const src = parseSourceConfig(source);
    expect(src.streams.get("profiles")?.options).toEqual(["predictive_analytics"]);
    expect(src.streams.get("events")?.lookbackMs).toBe(7_200_000);
    const dst = parseDestinationConfig(destination);
    expect([...dst.streams.keys()]).toEqual(["customers", "orders", "vip_members"]);
    expect(dst.maxRejectRate).toBe(0.05);
    const cat = parseConfiguredCatalog(catalog);
    expect(cat.streams.map((s) => [s.stream.name, s.sync_mode])).toEqual([
      ["profiles", "incremental"],
      ["lists", "full_refresh"],
    ]);
    // The destination config loads a catalog of its streams, keys from the config.
    const streams = loadStreams(
      dst,
      parseConfiguredCatalog({
        streams: ["customers", "orders", "vip_members"].map((name) => ({
          stream: { name },
          sync_mode: "incremental",
          destination_sync_mode: "append_dedup",
        })),
      }),
    );
    expect([...streams.values()].map((s) => [s.key, s.config.action.name, s.keyPaths])).toEqual([
      ["customers", "profiles", ["customer_id"]],
      ["orders", "events", ["order_id"]],
      ["vip_members", "list_membership", []],
    ]);
  });

  it("the cron example's configs are valid too", () => {
    const tap = /`tap.json` `(\{.*?\})`/s.exec(text)?.[1];
    const target = /`target.json` `(\{.*?\})`/s.exec(text)?.[1];
    expect(tap && target).toBeTruthy();
    expect([
      ...parseSourceConfig(JSON.parse(tap ?? ""), {
        env: { KLAVIYO_API_KEY: "pk_env_key_123" },
      }).streams.keys(),
    ]).toEqual(["profiles"]);
    expect(
      parseDestinationConfig(JSON.parse((target ?? "").replace(/\s+/g, " "))).streams.get("profiles")?.action
        .name,
    ).toBe("profiles");
  });
});
