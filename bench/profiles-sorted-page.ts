/**
 * Time per page of the extractor's profile query against an in-process emulator:
 * `GET /api/profiles?additional-fields[profile]=subscriptions&page[size]=100&sort=updated
 *  &filter=less-than(updated,<now>)`, walked with real cursors (sorts `updated`, `-updated`,
 * `created`). Reports the median and mean milliseconds per page over HTTP, and of the paging step
 * alone (`profilePage`, no rendering or HTTP), plus the load average (timings on a busy machine
 * are noisy).
 *
 *   npx tsx bench/profiles-sorted-page.ts [--profiles 100000] [--pages 60]
 */
import { loadavg } from "node:os";
import { Agent, request } from "undici";
import { profilePage } from "../src/emulator/handlers/profiles.js";
import { requestFilter } from "../src/emulator/jsonapi.js";
import { startEmulator } from "../src/emulator/server.js";
import { iso } from "../src/emulator/store/ids.js";
import type { EmuRequest } from "../src/emulator/types.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const stats = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  const median = s[Math.floor(s.length / 2)] ?? Number.NaN;
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
  return { median: Number(median.toFixed(2)), mean: Number(mean.toFixed(2)), pages: s.length };
};

const KEY = "pk_bench_sorted_page";
const profiles = arg("profiles", 100_000);
const pages = arg("pages", 60);
const emu = await startEmulator({
  apiKeys: [KEY],
  rateLimits: { enabled: false, scale: 1 },
  seed: { preset: "empty", profiles, events: 0 },
});
const agent = new Agent({ connections: 1, keepAliveTimeout: 60_000 });
const headers = {
  authorization: `Klaviyo-API-Key ${KEY}`,
  revision: "2026-07-15",
  accept: "application/vnd.api+json",
};
const upper = iso(emu.store.now());
const out: Record<string, unknown> = { profiles, loadavgBefore: loadavg().map((x) => Number(x.toFixed(2))) };
try {
  for (const sort of ["updated", "-updated", "created"]) {
    const q = new URLSearchParams({
      "additional-fields[profile]": "subscriptions",
      "page[size]": "100",
      sort,
      filter: `less-than(updated,${upper})`,
    });
    // Over HTTP, as the extractor sees it (the first page warms up and is not counted).
    const http: number[] = [];
    let url: string | undefined = `${emu.url}/api/profiles?${q}`;
    for (let i = 0; i <= pages && url; i++) {
      const t0 = performance.now();
      const res = await request(url, { headers, dispatcher: agent });
      const body = (await res.body.json()) as { links?: { next?: string | null } };
      if (res.statusCode !== 200) throw new Error(`GET /api/profiles answered ${res.statusCode}`);
      if (i > 0) http.push(performance.now() - t0);
      url = body.links?.next ?? undefined;
    }
    // The paging step alone.
    const paging: number[] = [];
    let query = q;
    const conds = requestFilter({ query } as EmuRequest);
    const spec = sort.startsWith("-") ? { field: sort.slice(1), desc: true } : { field: sort, desc: false };
    for (let i = 0; i <= pages; i++) {
      const req = { query, origin: "http://x", pathname: "/api/profiles" } as EmuRequest;
      const t0 = performance.now();
      const page = profilePage(emu.store, req, conds, spec, 100);
      if (i > 0) paging.push(performance.now() - t0);
      if (!page.next) break;
      query = new URL(page.next).searchParams;
    }
    out[sort] = { httpMsPerPage: stats(http), pagingMsPerPage: stats(paging) };
  }
} finally {
  out.loadavgAfter = loadavg().map((x) => Number(x.toFixed(2)));
  await agent.close();
  await emu.close();
}
console.log(JSON.stringify(out));
