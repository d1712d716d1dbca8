/**
 * Emulator throughput: `GET /api/profiles?page[size]=100` per second against an emulator process
 * (rate limits off), and the time for a 10,000-profile bulk import job to complete.
 *
 *   npx tsx bench/emulator-throughput.ts [--seconds 10] [--profiles 100000]
 */
import { Agent, request } from "undici";
import { rssOf, spawnEmulator } from "./emulator-process.js";

export interface EmulatorThroughputResult {
  benchmark: "emulator-throughput";
  seededProfiles: number;
  seconds: number;
  concurrency: number;
  profilePagesPerSecond: number;
  profilesPerSecond: number;
  bulkImport10kCompleteMs: number;
  bulkImport10kStatus: string;
  emulatorPeakRssMb: number | undefined;
  target: { pagesPerSecond: 1500; bulkImportMs: 1000 };
}

const PROFILE_MARK = Buffer.from('"type":"profile","id":');

/** Counts resources in a page by their type marker (cheaper than parsing). */
function countProfiles(buf: Buffer): number {
  let n = 0;
  let at = buf.indexOf(PROFILE_MARK);
  while (at >= 0) {
    n++;
    at = buf.indexOf(PROFILE_MARK, at + PROFILE_MARK.length);
  }
  return n;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

export async function runEmulatorThroughput(
  seconds = 10,
  profiles = 100_000,
  concurrency = 32,
): Promise<EmulatorThroughputResult> {
  const emu = await spawnEmulator([
    "--seed",
    "none",
    "--profiles",
    String(profiles),
    "--events",
    "0",
    "--rate-limits",
    "off",
  ]);
  const agent = new Agent({ connections: concurrency, keepAliveTimeout: 60_000 });
  const headers = {
    authorization: `Klaviyo-API-Key ${emu.key}`,
    revision: "2026-07-15",
    accept: "application/vnd.api+json",
  };
  try {
    // Walk pages with real cursors, restarting at the end, as an extractor does.
    let pages = 0;
    let items = 0;
    const deadline = performance.now() + seconds * 1000;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        let next: string | undefined;
        while (performance.now() < deadline) {
          const url: string = next ?? `${emu.url}/api/profiles?page%5Bsize%5D=100`;
          const res = await request(url, { headers, dispatcher: agent });
          // Read bytes and find links.next (the last member) without decoding the whole page, so
          // the load generator costs as little CPU as possible on this 2-core machine.
          const buf = Buffer.from(await res.body.arrayBuffer());
          if (res.statusCode !== 200)
            throw new Error(`GET /api/profiles answered ${res.statusCode}: ${buf.toString("utf8", 0, 300)}`);
          pages++;
          items += countProfiles(buf);
          const at = buf.lastIndexOf('"next":"');
          next = at >= 0 ? buf.toString("utf8", at + 8, buf.indexOf('"', at + 8)) : undefined;
        }
      }),
    );
    const elapsed = (performance.now() - start) / 1000;

    // One 10,000-profile bulk import job: time from POST to status complete.
    const profilesBody = Array.from({ length: 10_000 }, (_v, i) => ({
      type: "profile",
      attributes: { email: `bulk-${i}@bench.example`, first_name: "Bulk", properties: { n: i } },
    }));
    const t0 = performance.now();
    const post = await request(`${emu.url}/api/profile-bulk-import-jobs`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/vnd.api+json" },
      body: JSON.stringify({
        data: { type: "profile-bulk-import-job", attributes: { profiles: { data: profilesBody } } },
      }),
      dispatcher: agent,
    });
    const job = (await post.body.json()) as { data?: { id?: string } };
    let status = `http ${post.statusCode}`;
    let doneMs = Number.NaN;
    if (post.statusCode === 202 && job.data?.id) {
      for (;;) {
        const res = await request(`${emu.url}/api/profile-bulk-import-jobs/${job.data.id}`, {
          headers,
          dispatcher: agent,
        });
        const body = (await res.body.json()) as { data?: { attributes?: { status?: string } } };
        status = body.data?.attributes?.status ?? `http ${res.statusCode}`;
        if (status === "complete" || status === "cancelled" || res.statusCode !== 200) break;
        if (performance.now() - t0 > 30_000) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      doneMs = Math.round(performance.now() - t0);
    }
    return {
      benchmark: "emulator-throughput",
      seededProfiles: profiles,
      seconds: Number(elapsed.toFixed(2)),
      concurrency,
      profilePagesPerSecond: Math.round(pages / elapsed),
      profilesPerSecond: Math.round(items / elapsed),
      bulkImport10kCompleteMs: doneMs,
      bulkImport10kStatus: status,
      emulatorPeakRssMb: await rssOf(emu.child.pid),
      target: { pagesPerSecond: 1500, bulkImportMs: 1000 },
    };
  } finally {
    await agent.close();
    await emu.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(
    JSON.stringify(
      await runEmulatorThroughput(arg("seconds", 10), arg("profiles", 100_000), arg("concurrency", 32)),
    ),
  );
}
