import type { FilterScalar } from "./types.js";

const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Parses an ISO 8601 date or date-time as Klaviyo accepts it in filters: `2024-01-01`,
 * `2022-12-01T00:00:00`, `2022-11-08T00:00:00+00:00`, `2024-01-01T00:00:00.000Z`.
 * Returns epoch milliseconds (no offset = UTC), or undefined when the text is not such a date.
 */
export function parseIsoDateTime(text: string): number | undefined {
  const m = DATETIME.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, "0"));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== "Z") {
    const digits = zone.slice(1).replace(":", "");
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (zone.startsWith("-") ? -1 : 1) * (oh * 60 + om);
  }
  // Date.UTC maps years 0-99 to 1900-1999, so set the year explicitly.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  return d.getTime() - offsetMinutes * 60_000;
}

/** Classifies an unquoted token; undefined when it is none of number, boolean, null or date-time. */
export function classifyBare(token: string): FilterScalar | undefined {
  if (token === "true") return { kind: "boolean", value: true };
  if (token === "false") return { kind: "boolean", value: false };
  if (token === "null") return { kind: "null" };
  if (NUMBER.test(token)) {
    const value = Number(token);
    if (!Number.isFinite(value)) return undefined;
    return { kind: "number", value: Object.is(value, -0) ? 0 : value };
  }
  const epochMs = parseIsoDateTime(token);
  if (epochMs !== undefined) return { kind: "datetime", raw: token, epochMs };
  return undefined;
}

/** Quotes a string for a filter: single quotes, with `'` and `\` escaped by a backslash. */
export function quoteString(value: string): string {
  return `'${value.replace(/[\\']/g, "\\$&")}'`;
}

export function formatScalar(value: FilterScalar): string {
  switch (value.kind) {
    case "string":
      return quoteString(value.value);
    case "number":
    case "boolean":
      return String(value.value);
    case "null":
      return "null";
    case "datetime":
      return value.raw;
  }
}

export function describeScalar(value: FilterScalar): string {
  switch (value.kind) {
    case "string":
      return `the string ${quoteString(value.value)}`;
    case "number":
      return `the number ${value.value}`;
    case "boolean":
      return `the boolean ${value.value}`;
    case "null":
      return "null";
    case "datetime":
      return `the date-time ${value.raw}`;
  }
}
