import type { Logger } from "../client/types.js";
import { redact } from "../util/redact.js";
import type { Output } from "./output.js";

export type LogLevel = "debug" | "info" | "warn" | "silent";

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, silent: 100 };

/** A logger for the terminal (stderr), one line per event, with every known secret masked. */
export function createCliLogger(output: Output, level: LogLevel): Logger {
  const emit = (lvl: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < ORDER[level]) return;
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : "";
    output.err(redact(`[${lvl}] ${message}${extra}`));
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
  };
}
