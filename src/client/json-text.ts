/**
 * Decodes a JSON response body to the text `JSON.parse` reads fastest.
 *
 * A page of a million-event extract is about 1 MB, and its cost is on the extractor's critical
 * path. V8 decodes pure ASCII bytes to a one-byte string almost for free (0.3 ms a MB), but a
 * single non-ASCII character (an accented product name) makes the whole body a two-byte string:
 * decoding it costs about 2.3 ms a MB and parsing it about 15% more. Non-ASCII characters can only
 * stand inside JSON strings, where `\uXXXX` escapes mean the same characters, so when few bytes are
 * non-ASCII the body is decoded as ASCII with those characters written as escapes: `JSON.parse`
 * gives exactly the values a UTF-8 decode would (invalid sequences become U+FFFD either way).
 * Bodies with many non-ASCII bytes (text in another script) are decoded as UTF-8, as usual.
 */
import { isAscii } from "node:buffer";

/**
 * The body as text for `JSON.parse`: equal in meaning to its UTF-8 decoding. Self-contained (the
 * extractor's page decoder runs its source on a worker thread, passing `ascii`).
 */
export function jsonBodyText(body: Buffer, ascii: (bytes: Uint8Array) => boolean = isAscii): string {
  /** Bytes checked at once for non-ASCII content (the check is native and fast). */
  const BLOCK = 256;
  /** Above this share of non-ASCII bytes, escaping costs more than it saves. */
  const MAX_NON_ASCII_SHARE = 1 / 64;
  /** Small bodies are decoded the ordinary way. */
  const MIN_LENGTH = 16 * 1024;
  const escapeChars = (text: string): string => {
    let out = "";
    for (let k = 0; k < text.length; k++) out += `\\u${text.charCodeAt(k).toString(16).padStart(4, "0")}`;
    return out;
  };
  const n = body.length;
  if (n < MIN_LENGTH) return body.toString("utf8");
  if (ascii(body)) return body.toString("latin1");
  const limit = n * MAX_NON_ASCII_SHARE;
  const parts: string[] = [];
  let start = 0;
  let nonAscii = 0;
  for (let block = 0; block < n; block += BLOCK) {
    const end = Math.min(n, block + BLOCK);
    if (end <= start || ascii(body.subarray(block, end))) continue;
    for (let i = Math.max(block, start); i < end; i++) {
      if ((body[i] as number) < 0x80) continue;
      // A lead byte and its continuation bytes (possibly past this block) are one sequence.
      let j = i + 1;
      while (j < n && ((body[j] as number) & 0xc0) === 0x80) j++;
      nonAscii += j - i;
      if (nonAscii > limit) return body.toString("utf8");
      if (i > start) parts.push(body.toString("latin1", start, i));
      parts.push(escapeChars(body.toString("utf8", i, j)));
      start = j;
      i = j - 1;
    }
  }
  if (start < n) parts.push(body.toString("latin1", start, n));
  return parts.join("");
}
