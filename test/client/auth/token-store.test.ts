import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  defaultTokenPath,
  FileTokenStore,
  klaviyoSyncHome,
  MemoryTokenStore,
  type TokenSet,
} from "../../../src/client/auth/token-store.js";
import { ConfigError } from "../../../src/client/errors.js";

const tokens: TokenSet = {
  accessToken: "at_secret_access",
  refreshToken: "rt_secret_refresh",
  expiresAt: 1_800_000_000_000,
  scope: "accounts:read profiles:read",
  tokenType: "Bearer",
};

const isPosix = process.platform !== "win32";

describe("FileTokenStore", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ks-token-store-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("returns undefined when the file does not exist", async () => {
    expect(await new FileTokenStore(join(dir, "missing.json")).load()).toBeUndefined();
  });

  it("round-trips tokens through a 0600 file in a 0700 directory it creates", async () => {
    const path = join(dir, "nested", "home", "oauth-tokens.json");
    const store = new FileTokenStore(path);
    await store.save(tokens);
    expect(await store.load()).toEqual(tokens);
    expect(await new FileTokenStore(path).load()).toEqual(tokens);
    if (isPosix) {
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, "nested", "home")).mode & 0o777).toBe(0o700);
    }
    // No temporary files left behind.
    expect(readdirSync(join(dir, "nested", "home"))).toEqual(["oauth-tokens.json"]);
  });

  it("replaces an existing, too-open file atomically with a 0600 one", async () => {
    const path = join(dir, "oauth-tokens.json");
    writeFileSync(path, "{}");
    chmodSync(path, 0o644);
    const store = new FileTokenStore(path);
    await store.save(tokens);
    if (isPosix) expect(statSync(path).mode & 0o777).toBe(0o600);
    const { scope: _omit, ...withoutScope } = tokens;
    await store.save({ ...withoutScope, accessToken: "at_2" });
    expect(await store.load()).toEqual({ ...withoutScope, accessToken: "at_2" });
  });

  it("applies concurrent saves in call order", async () => {
    const path = join(dir, "oauth-tokens.json");
    const store = new FileTokenStore(path);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.save({ ...tokens, accessToken: `at_${i}` })),
    );
    expect((await store.load())?.accessToken).toBe("at_9");
    expect(readdirSync(dir)).toEqual(["oauth-tokens.json"]);
  });

  it("reports a corrupt file with a ConfigError naming the path but not the content", async () => {
    const path = join(dir, "oauth-tokens.json");
    writeFileSync(path, '{"accessToken": "at_leaky_secret", truncated');
    const err = await new FileTokenStore(path).load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).not.toContain("at_leaky_secret");
  });

  it("reports valid JSON of the wrong shape, naming the field", async () => {
    const path = join(dir, "oauth-tokens.json");
    writeFileSync(path, JSON.stringify({ accessToken: "at_leaky_secret", refreshToken: 42 }));
    const err = await new FileTokenStore(path).load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain("refreshToken");
    expect((err as Error).message).not.toContain("at_leaky_secret");
  });

  it("clear() deletes the file and tolerates a missing one", async () => {
    const path = join(dir, "oauth-tokens.json");
    const store = new FileTokenStore(path);
    await store.save(tokens);
    await store.clear();
    expect(await store.load()).toBeUndefined();
    await store.clear();
  });

  it("writes JSON that does not depend on field order", async () => {
    const path = join(dir, "t.json");
    await new FileTokenStore(path).save(tokens);
    const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
    expect(parsed).toMatchObject({ version: 1, accessToken: tokens.accessToken });
  });
});

describe("default token path", () => {
  it("honours KLAVIYO_SYNC_HOME", () => {
    expect(defaultTokenPath({ KLAVIYO_SYNC_HOME: "/srv/ks" }, "/home/u")).toBe(
      join("/srv/ks", "oauth-tokens.json"),
    );
    expect(klaviyoSyncHome({ KLAVIYO_SYNC_HOME: "/srv/ks" }, "/home/u")).toBe("/srv/ks");
  });

  it("defaults to ~/.klaviyo-sync/oauth-tokens.json (empty env counts as unset)", () => {
    expect(defaultTokenPath({}, "/home/u")).toBe(join("/home/u", ".klaviyo-sync", "oauth-tokens.json"));
    expect(defaultTokenPath({ KLAVIYO_SYNC_HOME: " " }, "/home/u")).toBe(
      join("/home/u", ".klaviyo-sync", "oauth-tokens.json"),
    );
  });
});

describe("MemoryTokenStore", () => {
  it("round-trips copies, not the caller's object", async () => {
    const store = new MemoryTokenStore();
    expect(await store.load()).toBeUndefined();
    const mine = { ...tokens };
    await store.save(mine);
    mine.accessToken = "mutated";
    expect(await store.load()).toEqual(tokens);
    await store.clear();
    expect(await store.load()).toBeUndefined();
  });
});
