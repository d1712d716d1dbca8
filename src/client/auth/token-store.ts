/**
 * Where OAuth tokens live between runs. Refresh tokens rotate, so a store must persist the new
 * pair before anyone uses it; `FileTokenStore` does that with an atomic, fsynced, owner-only write.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
import { ConfigError } from "../errors.js";

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  /** When the access token expires, epoch milliseconds. */
  expiresAt: number;
  /** Space-separated scopes granted, when the server said. */
  scope?: string;
  /** Normally "Bearer". */
  tokenType: string;
}

export interface TokenStore {
  /** The stored tokens, or undefined when there are none. */
  load(): Promise<TokenSet | undefined>;
  /** Replaces the stored tokens. Must be durable when it resolves. */
  save(tokens: TokenSet): Promise<void>;
  /** Forgets the stored tokens. */
  clear?(): Promise<void>;
}

const TOKEN_FILE_NAME = "oauth-tokens.json";

/**
 * The directory klaviyo-sync keeps its local state in: `$KLAVIYO_SYNC_HOME` when set, otherwise
 * `~/.klaviyo-sync`.
 */
export function klaviyoSyncHome(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const override = env.KLAVIYO_SYNC_HOME?.trim();
  return override ? override : join(home, ".klaviyo-sync");
}

/** The default token file: `<klaviyoSyncHome()>/oauth-tokens.json`. */
export function defaultTokenPath(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  return join(klaviyoSyncHome(env, home), TOKEN_FILE_NAME);
}

function copyTokens(tokens: TokenSet): TokenSet {
  return {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: tokens.expiresAt,
    tokenType: tokens.tokenType,
    ...(tokens.scope === undefined ? {} : { scope: tokens.scope }),
  };
}

/**
 * Checks that `value` is a token set. Returns the name of the first bad field, or undefined when
 * it is valid. Never looks at (or reports) the values themselves beyond their type.
 */
function invalidTokenField(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return "(top level: not an object)";
  const v = value as Record<string, unknown>;
  if (typeof v.accessToken !== "string" || v.accessToken.length === 0) return "accessToken";
  if (typeof v.refreshToken !== "string" || v.refreshToken.length === 0) return "refreshToken";
  if (typeof v.expiresAt !== "number" || !Number.isFinite(v.expiresAt)) return "expiresAt";
  if (typeof v.tokenType !== "string") return "tokenType";
  if (v.scope !== undefined && typeof v.scope !== "string") return "scope";
  return undefined;
}

/** Keeps tokens in memory only (tests, short-lived processes). Hands out copies. */
export class MemoryTokenStore implements TokenStore {
  private tokens: TokenSet | undefined;

  constructor(initial?: TokenSet) {
    this.tokens = initial === undefined ? undefined : copyTokens(initial);
  }

  async load(): Promise<TokenSet | undefined> {
    return this.tokens === undefined ? undefined : copyTokens(this.tokens);
  }

  async save(tokens: TokenSet): Promise<void> {
    this.tokens = copyTokens(tokens);
  }

  async clear(): Promise<void> {
    this.tokens = undefined;
  }
}

function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * Keeps tokens in a JSON file readable by the owner only (0600; the directory is created 0700).
 * Writes go to a temporary file in the same directory which is fsynced and then renamed over the
 * old file, so a crash leaves either the old or the new tokens, never a torn file. Saves from one
 * store instance are applied in call order.
 */
export class FileTokenStore implements TokenStore {
  readonly path: string;
  private queue: Promise<void> = Promise.resolve();

  constructor(path: string = defaultTokenPath()) {
    this.path = path;
  }

  async load(): Promise<TokenSet | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (err) {
      if (errnoCode(err) === "ENOENT") return undefined;
      throw new ConfigError(
        `Cannot read the OAuth token file ${this.path} (${errnoCode(err) ?? "unknown error"}). Check that it is readable by this user.`,
        { cause: err },
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ConfigError(
        `The OAuth token file ${this.path} is corrupt (not valid JSON). Delete it and run the OAuth authorization again.`,
      );
    }
    const bad = invalidTokenField(parsed);
    if (bad !== undefined) {
      throw new ConfigError(
        `The OAuth token file ${this.path} is corrupt (field ${bad} is missing or invalid). Delete it and run the OAuth authorization again.`,
      );
    }
    return copyTokens(parsed as TokenSet);
  }

  save(tokens: TokenSet): Promise<void> {
    const bad = invalidTokenField(tokens);
    if (bad !== undefined) {
      return Promise.reject(
        new ConfigError(`Refusing to save OAuth tokens: field ${bad} is missing or invalid.`),
      );
    }
    const data = `${JSON.stringify({ version: 1, ...copyTokens(tokens) }, null, 2)}\n`;
    const run = this.queue.then(() => this.writeAtomically(data));
    // Keep the chain alive after a failed save; the caller still sees the failure through `run`.
    this.queue = run.catch(() => {});
    return run;
  }

  async clear(): Promise<void> {
    await this.queue;
    try {
      await unlink(this.path);
    } catch (err) {
      if (errnoCode(err) !== "ENOENT") {
        throw new ConfigError(
          `Cannot delete the OAuth token file ${this.path} (${errnoCode(err) ?? "unknown error"}).`,
          {
            cause: err,
          },
        );
      }
    }
  }

  private async writeAtomically(data: string): Promise<void> {
    const dir = dirname(this.path);
    const tmp = join(dir, `.${basename(this.path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const handle = await open(tmp, "wx", 0o600);
      try {
        // The umask may have removed bits; make the mode exactly owner read/write.
        await handle.chmod(0o600);
        await handle.writeFile(data, "utf8");
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, this.path);
    } catch (err) {
      await unlink(tmp).catch(() => {});
      throw new ConfigError(
        `Cannot write the OAuth token file ${this.path} (${errnoCode(err) ?? "unknown error"}). Check that its directory is writable by this user.`,
        { cause: err },
      );
    }
    await syncDirectory(dir);
  }
}

/** Makes the rename durable. Best effort: not every platform can fsync a directory. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Ignored: the rename itself has happened; only its durability across a power cut is weaker.
  }
}
