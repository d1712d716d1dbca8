import { describe, expect, it } from "vitest";
import { apiKeyAuth, maskKey, redactSecrets, validateApiKey } from "../../../src/client/auth/api-key.js";
import { ConfigError } from "../../../src/client/errors.js";

function configErrorFor(key: string | undefined): ConfigError {
  try {
    apiKeyAuth(key);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error("expected apiKeyAuth to throw");
}

describe("apiKeyAuth", () => {
  it("sends the private key with the Klaviyo-API-Key scheme, trimmed", async () => {
    const auth = apiKeyAuth("  pk_test_trimmed_key\n");
    expect(auth.kind).toBe("api-key");
    expect(await auth.authorization()).toBe("Klaviyo-API-Key pk_test_trimmed_key");
    expect(auth.onUnauthorized).toBeUndefined();
  });

  it.each([undefined, "", "   \t\n"])(
    "refuses a missing key (%j) naming KLAVIYO_API_KEY and how to create one",
    (key) => {
      const err = configErrorFor(key);
      expect(err.message).toContain("KLAVIYO_API_KEY");
      expect(err.message).toContain("Settings > API keys > Create Private API Key");
    },
  );

  it("explains that a 6-character key is a public key for client-side endpoints only", () => {
    const err = configErrorFor(" AbC123 ");
    expect(err.message).toMatch(/public (API )?key/i);
    expect(err.message).toContain("client-side");
    expect(err.message).toContain("pk_");
    expect(err.message).not.toContain("AbC123");
  });

  it("says any other key is not a private API key, without echoing it", () => {
    const key = "sk_live_0123456789abcdefSECRET";
    const err = configErrorFor(key);
    expect(err.message).toContain("not a private API key");
    expect(err.message).not.toContain(key);
    expect(err.message).not.toContain("0123456789");
    expect(err.message).not.toContain("SECRET");
  });

  it("refuses a key pasted with its scheme word, without echoing it", () => {
    const err = configErrorFor("Klaviyo-API-Key pk_0123456789abcdef");
    expect(err.message).toContain("alone");
    expect(err.message).not.toContain("0123456789abcdef");
  });

  it("refuses a bare prefix and keys with inner whitespace or control characters", () => {
    expect(configErrorFor("pk_").message).toContain("only the pk_ prefix");
    const broken = configErrorFor("pk_0123 456789");
    expect(broken.message).toContain("whitespace");
    expect(broken.message).not.toContain("0123");
    expect(() => apiKeyAuth("pk_0123\u0000456789")).toThrow(ConfigError);
  });

  it("uses the given name in messages", () => {
    expect(() => validateApiKey(undefined, "--api-key")).toThrow(/--api-key/);
  });
});

describe("maskKey", () => {
  it("reveals nothing beyond the pk_ prefix", () => {
    expect(maskKey("pk_0123456789abcdef")).toBe("pk_****");
    expect(maskKey("abcdef")).toBe("****");
    expect(maskKey(undefined)).toBe("****");
  });
});

describe("redactSecrets", () => {
  it("replaces every occurrence, including URL-encoded forms, longest first", () => {
    const key = "pk_0123456789abcdef";
    const token = "tok/with+special=chars";
    const text = `key=${key} again ${key} token ${token} encoded ${encodeURIComponent(token)} form ${new URLSearchParams({ t: token }).toString()}`;
    const out = redactSecrets(text, [key, token, undefined, "", null]);
    expect(out).not.toContain(key);
    expect(out).not.toContain(token);
    expect(out).not.toContain(encodeURIComponent(token));
    expect(out).not.toContain("tok%2Fwith%2Bspecial%3Dchars");
    expect(out).toContain("key=pk_**** again pk_****");
    expect(out).toContain("[redacted]");
  });

  it("hides a secret that contains another secret completely", () => {
    expect(redactSecrets("abc123456", ["abc", "abc123456"])).toBe("[redacted]");
  });

  it("leaves text without secrets alone", () => {
    expect(redactSecrets("nothing here", ["zzz"])).toBe("nothing here");
  });
});
