/**
 * The extract run of the kill-and-resume test when no PostgreSQL server answers: the same
 * `runExtract` the CLI makes, into a PostgreSQL target on PGlite with its data directory on disk,
 * in a process of its own so that it can be killed with SIGKILL.
 *
 *   node --import tsx test/extract/resume/pglite-child.ts DATA_DIR [--dry-run]
 *
 * Reads KLAVIYO_API_KEY and KLAVIYO_BASE_URL; prints progress as JSON lines on stderr like
 * `klaviyo-sync extract --log-format json`; exits 0 when every stream is ok, 4 otherwise.
 */
import { PGlite } from "@electric-sql/pglite";
import { createClient } from "../../../src/client/index.js";
import { runExtract } from "../../../src/extract/runner.js";
import { STREAMS } from "../../../src/extract/streams/index.js";
import { createPostgresTarget } from "../../../src/extract/targets/postgres.js";

const dir = process.argv[2];
if (!dir) {
  process.stderr.write("usage: pglite-child.ts DATA_DIR [--dry-run]\n");
  process.exit(2);
}
const db = await PGlite.create(dir);
const target = createPostgresTarget({ pglite: db }, { schema: "public" });
const client = createClient({ env: process.env, rateLimit: { enabled: false } });
try {
  await target.open();
  const result = await runExtract({
    client,
    target,
    streams: STREAMS.map((s) => ({ name: s.name })),
    concurrency: 4,
    ...(process.argv.includes("--dry-run") ? { dryRun: true } : {}),
    onProgress: (e) => {
      const line = e.type === "stream-failed" ? { ...e, error: { message: e.error.message } } : e;
      process.stderr.write(`${JSON.stringify(line)}\n`);
    },
  });
  const failed = result.results.filter((r) => r.status === "failed");
  process.stderr.write(
    `${JSON.stringify({ type: "summary", ok: result.results.length - failed.length, failed: failed.length })}\n`,
  );
  process.exitCode = failed.length > 0 ? 4 : 0;
} finally {
  await target.close();
  await client.close();
  await db.close();
}
