import { ConfigError } from "../client/errors.js";

/** A filter could not be built or is not valid Klaviyo filter syntax. */
export class FilterError extends ConfigError {}

/** Shown when echoing a filter in an error message; longer filters are cut. */
const ECHO_LIMIT = 200;

/** The filter text is not valid Klaviyo filter syntax; `offset` is the 0-based character where it went wrong. */
export class FilterSyntaxError extends FilterError {
  readonly offset: number;
  /** The reason alone, without the position and the echoed filter. */
  readonly reason: string;

  constructor(reason: string, offset: number, text: string) {
    super(`Malformed filter at character ${offset}: ${reason}. Filter: ${echo(text, offset)}`);
    this.offset = offset;
    this.reason = reason;
  }
}

function echo(text: string, offset: number): string {
  if (text.length <= ECHO_LIMIT) return JSON.stringify(text);
  const start = Math.max(0, Math.min(offset - ECHO_LIMIT / 2, text.length - ECHO_LIMIT));
  const cut = text.slice(start, start + ECHO_LIMIT);
  return `${start > 0 ? "…" : ""}${JSON.stringify(cut)}${start + ECHO_LIMIT < text.length ? "…" : ""} (${text.length} characters)`;
}
