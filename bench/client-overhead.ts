/**
 * Client overhead: requests per second through the full client pipeline (operation lookup, headers,
 * auth, budget bookkeeping, retry wrapper, JSON parse) to a local no-op server, with the rate
 * budget off. This is the ceiling the client itself imposes; Klaviyo's limits are far below it.
 *
 *   npx tsx bench/client-overhead.ts [--seconds 5] [--concurrency 64]
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { BaseClient } from "../src/client/client.js";

export interface ClientOverheadResult {
  benchmark: "client-overhead";
  seconds: number;
  concurrency: number;
  requests: number;
  requestsPerSecond: number;
  meanLatencyMs: number;
  p99LatencyMs: number;
  peakRssMb: number;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

export async function runClientOverhead(seconds = 5, concurrency = 64): Promise<ClientOverheadResult> {
  const body = JSON.stringify({ data: [], links: { self: "http://127.0.0.1/api/profiles" } });
  const server = createServer((_req, res) => {
    res.writeHead(200, {
      "content-type": "application/vnd.api+json",
      "content-length": Buffer.byteLength(body),
    });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const client = new BaseClient({
    apiKey: "pk_bench_overhead",
    baseUrl: `http://127.0.0.1:${port}`,
    rateLimit: { enabled: false },
    env: {},
  });
  const latencies: number[] = [];
  let peakRss = 0;
  const rssTimer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  // Warm-up: open connections, JIT.
  await Promise.all(
    Array.from({ length: concurrency }, () =>
      client.request("GET", "/api/profiles", { query: { "page[size]": 100 } }),
    ),
  );
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await client.request("GET", "/api/profiles", { query: { "page[size]": 100 } });
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  clearInterval(rssTimer);
  await client.close();
  await new Promise<void>((r) => server.close(() => r()));
  latencies.sort((a, b) => a - b);
  const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
  return {
    benchmark: "client-overhead",
    seconds: Number(elapsed.toFixed(2)),
    concurrency,
    requests: latencies.length,
    requestsPerSecond: Math.round(latencies.length / elapsed),
    meanLatencyMs: Number(mean.toFixed(3)),
    p99LatencyMs: Number((latencies[Math.floor(latencies.length * 0.99)] ?? 0).toFixed(3)),
    peakRssMb: Math.round(peakRss / 1024 / 1024),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runClientOverhead(arg("seconds", 5), arg("concurrency", 64));
  console.log(JSON.stringify(result));
}
