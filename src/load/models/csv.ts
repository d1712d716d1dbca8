/**
 * CSV models, read with DuckDB's `read_csv` in an in-memory database.
 *
 * Error strategy: a CSV file is read line by line and a bad line never stops the run. Ragged rows
 * (too few or too many fields), unterminated quotes, lines that are not valid in the file's
 * encoding and over-long lines are left out by DuckDB (`ignore_errors`) and collected
 * (`store_rejects`); `Model.rejects()` returns them with their line number, a reason and the
 * line's text, to be reported as invalid rows. Problems with the file as a whole (missing,
 * empty, no header) are ConfigErrors naming the file.
 *
 * So that one odd line cannot change how the rest is read, the dialect is not sniffed by DuckDB:
 * the header is parsed here (RFC 4180: `"` quotes, `""` escapes one), the delimiter is the one of
 * `,` `;` tab `|` the header uses most (tab for .tsv), and every column is read as text. Column
 * types are then inferred over the whole file: a column whose values are all integers (without
 * leading zeros or `+`, so zip codes and phone numbers stay text) becomes a number, likewise
 * decimals, `true`/`false` becomes a boolean, and date-times become ISO timestamps (UTC when no
 * zone is given). Empty fields are null.
 *
 * Encoding: UTF-8 (with or without a BOM) and UTF-16 with a BOM are read as such. A file that is
 * not valid UTF-8 and holds no UTF-8 multi-byte character at all is read as Latin-1 (a notice
 * says so); a UTF-8 file with a few damaged lines is read as UTF-8 and the damaged lines are
 * rejected.
 */

import { isUtf8 } from "node:buffer";
import { mkdtemp, open, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../client/errors.js";
import { uniqueNames } from "./model.js";

export type CsvEncoding = "utf-8" | "latin-1" | "utf-16";

export interface CsvLayout {
  encoding: CsvEncoding;
  delimiter: string;
  /** The line ending of the records (undefined: a single line, or UTF-16). */
  newline?: "\n" | "\r\n" | "\r";
  columns: string[];
  notices: string[];
  /**
   * DuckDB numbers rejected lines by record (a value spanning lines counts once); this maps its
   * number to the line of the file.
   */
  fileLine(duckdbLine: number): number;
}

export interface ModelReject {
  /** 1-based line of the file (the header is line 1). */
  line: number;
  reason: string;
  /** The line as read (shortened). */
  text: string;
}

const CHUNK = 1 << 20;

export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Whether a buffer is valid UTF-8, checked chunk by chunk (sequences split across chunks allowed). */
async function scanUtf8(
  path: string,
): Promise<{ valid: boolean; multibyte: boolean; firstBadLine?: number }> {
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(CHUNK + 4);
    let carry = 0;
    let valid = true;
    for (;;) {
      const { bytesRead } = await fh.read(buf, carry, CHUNK, null);
      const end = carry + bytesRead;
      if (end === 0) break;
      // Keep an incomplete trailing sequence for the next chunk.
      let cut = end;
      if (bytesRead > 0) {
        let back = 0;
        while (back < 3 && cut - back - 1 >= 0 && ((buf[cut - back - 1] ?? 0) & 0xc0) === 0x80) back++;
        const lead = buf[cut - back - 1] ?? 0;
        const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
        if (need > back + 1) cut = cut - back - 1;
      }
      if (!isUtf8(buf.subarray(0, cut))) {
        valid = false;
        break;
      }
      if (bytesRead === 0) break;
      buf.copy(buf, 0, cut, end);
      carry = end - cut;
    }
    if (valid) return { valid: true, multibyte: false };
  } finally {
    await fh.close();
  }
  return { valid: false, ...(await scanUtf8Detail(path)) };
}

/** For a file that is not valid UTF-8: does it hold valid multi-byte sequences, and where is the first bad byte? */
async function scanUtf8Detail(path: string): Promise<{ multibyte: boolean; firstBadLine?: number }> {
  const fh = await open(path, "r");
  let multibyte = false;
  let firstBadLine: number | undefined;
  let line = 1;
  try {
    const buf = Buffer.alloc(CHUNK + 4);
    let carry = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, carry, CHUNK, null);
      const end = carry + bytesRead;
      if (end === 0) break;
      let i = 0;
      while (i < end) {
        const b = buf[i] ?? 0;
        if (b === 0x0a) line++;
        if (b < 0x80) {
          i++;
          continue;
        }
        const need = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
        if (need > 0 && i + need > end && bytesRead > 0) break; // continue with the next chunk
        let ok = need > 0;
        for (let k = 1; ok && k < need; k++) ok = ((buf[i + k] ?? 0) & 0xc0) === 0x80;
        if (ok) {
          multibyte = true;
          i += need;
        } else {
          firstBadLine ??= line;
          i++;
        }
        if (multibyte && firstBadLine !== undefined) return { multibyte, firstBadLine };
      }
      if (bytesRead === 0) break;
      buf.copy(buf, 0, i, end);
      carry = end - i;
    }
  } finally {
    await fh.close();
  }
  return { multibyte, ...(firstBadLine === undefined ? {} : { firstBadLine }) };
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const fh = await open(path, "r");
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Parses the first record of CSV text (RFC 4180 quoting); undefined when it does not end in the text. */
export function parseFirstRecord(text: string, delimiter: string): string[] | undefined {
  const fields: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  let atStart = true;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"' && atStart) {
      quoted = true;
      atStart = false;
      i++;
      continue;
    }
    if (ch === delimiter) {
      fields.push(field);
      field = "";
      atStart = true;
      i++;
      continue;
    }
    if (ch === "\n" || ch === "\r") {
      fields.push(field);
      return fields;
    }
    field += ch;
    atStart = false;
    i++;
  }
  if (quoted) return undefined;
  fields.push(field);
  return fields;
}

/** The delimiter the first line uses most, outside quotes (`,` when none). */
export function sniffDelimiter(firstLine: string): string {
  const counts = new Map<string, number>([
    [",", 0],
    [";", 0],
    ["\t", 0],
    ["|", 0],
  ]);
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    if (!quoted && (ch === "\n" || ch === "\r")) break;
  }
  let best = ",";
  let bestCount = 0;
  for (const [d, n] of counts) {
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
}

/** Encoding, delimiter and header of a CSV file; ConfigError when the file cannot be read as CSV. */
export async function csvLayout(path: string, delimiter?: string): Promise<CsvLayout> {
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new ConfigError(`The model file ${path} is a directory; name a .csv file.`);
    size = st.size;
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === "ENOENT"
        ? `The model file ${path} does not exist.`
        : `The model file ${path} cannot be read (${code ?? (err as Error).message}).`,
    );
  }
  if (size === 0) {
    throw new ConfigError(
      `The model file ${path} is empty; a CSV model needs a header line naming the columns.`,
    );
  }
  const head = await readHead(path, Math.min(size, 4 * CHUNK));
  const notices: string[] = [];
  let encoding: CsvEncoding;
  let text: string;
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    encoding = "utf-16";
    const le = head[0] === 0xff;
    const body = Buffer.from(head.subarray(2, head.length - (head.length % 2)));
    if (!le) body.swap16();
    text = body.toString("utf16le");
  } else {
    const scan = await scanUtf8(path);
    if (scan.valid || scan.multibyte) {
      encoding = "utf-8";
      text = head.toString("utf8").replace(/^\uFEFF/, "");
    } else {
      encoding = "latin-1";
      text = new TextDecoder(SINGLE_BYTE).decode(head);
      notices.push(
        `${path} is not UTF-8 (first non-UTF-8 byte on line ${scan.firstBadLine ?? "?"}) and was read as Latin-1 (Windows-1252, as Excel on Windows writes it). Save it as UTF-8 if characters look wrong.`,
      );
    }
  }
  const firstLine = text.split(/\r\n|\n|\r/, 1)[0] ?? "";
  const delim = delimiter ?? sniffDelimiter(firstLine);
  const header = parseFirstRecord(text, delim);
  if (header === undefined) {
    throw new ConfigError(
      `The model file ${path}: the header (line 1) has an unterminated quote; the first line must name the columns.`,
    );
  }
  if (header.some((h) => h.includes("\u0000"))) {
    throw new ConfigError(
      `The model file ${path}: the header (line 1) holds a NUL byte, so this is not a text file. A CSV model is text (UTF-8) whose first line names the columns.`,
    );
  }
  if (header.every((h) => h.trim() === "")) {
    throw new ConfigError(
      `The model file ${path}: the first line is empty; a CSV model needs a header line naming the columns.`,
    );
  }
  const columns = uniqueNames(header.map((h) => h.trim()));
  if (encoding === "utf-16") return { encoding, delimiter: delim, columns, notices, fileLine: (n) => n };
  const lines = await scanLines(path, delim);
  if (lines.mixed) {
    const { line, first, other } = lines.mixed;
    throw new ConfigError(
      `The model file ${path} mixes line endings: lines end in ${NEWLINE_NAMES[first]} but line ${line} ends in ${NEWLINE_NAMES[other]}. Save the file with one kind of line ending (e.g. with dos2unix or unix2dos).`,
    );
  }
  const quoted = lines.quotedNewlines;
  const fileLine = (n: number): number => {
    // Quoted line breaks in records before line n push it down.
    let lo = 0;
    let hi = quoted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((quoted[mid] ?? 0) < n) lo = mid + 1;
      else hi = mid;
    }
    return n + lo;
  };
  return {
    encoding,
    delimiter: delim,
    ...(lines.newline ? { newline: lines.newline } : {}),
    columns,
    notices,
    fileLine,
  };
}

type Newline = "\n" | "\r\n" | "\r";
const NEWLINE_NAMES: Record<Newline, string> = {
  "\n": "LF (Unix)",
  "\r\n": "CRLF (Windows)",
  "\r": "CR (classic Mac)",
};

interface LineScan {
  newline?: Newline;
  mixed?: { line: number; first: Newline; other: Newline };
  /** For each line break inside a quoted value: the record line (DuckDB's numbering) it is in. */
  quotedNewlines: number[];
}

/**
 * One pass over the bytes, following quotes as DuckDB does (a `"` opens a value only at its start;
 * `""` inside is a quote): the records' line ending, the first line whose ending differs, and
 * where values span lines.
 */
async function scanLines(path: string, delimiter: string): Promise<LineScan> {
  const QUOTE = 0x22;
  const LF = 0x0a;
  const CR = 0x0d;
  const DELIM = delimiter.charCodeAt(0);
  const fh = await open(path, "r");
  const out: LineScan = { quotedNewlines: [] };
  let inQuotes = false;
  let pendingQuote = false; // a " inside quotes seen at the end of the previous chunk
  let atStart = true;
  let prevCR = false;
  let record = 1;
  let line = 1;
  const terminator = (kind: Newline): void => {
    if (out.newline === undefined) out.newline = kind;
    else if (out.newline !== kind && out.mixed === undefined) {
      out.mixed = { line, first: out.newline, other: kind };
    }
    record++;
    line++;
    atStart = true;
  };
  try {
    const buf = Buffer.alloc(CHUNK);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      for (let i = 0; i < bytesRead; i++) {
        const b = buf[i]!;
        if (pendingQuote) {
          pendingQuote = false;
          if (b === QUOTE) continue; // "" escape
          inQuotes = false;
          atStart = false;
        }
        if (inQuotes) {
          if (b === QUOTE) {
            if (i + 1 < bytesRead) {
              if (buf[i + 1] === QUOTE) i++;
              else inQuotes = false;
            } else pendingQuote = true;
          } else if (b === LF) {
            out.quotedNewlines.push(record);
            line++;
          }
          continue;
        }
        if (prevCR) {
          prevCR = false;
          if (b === LF) {
            terminator("\r\n");
            if (out.mixed) return out;
            continue;
          }
          terminator("\r");
          if (out.mixed) return out;
        }
        if (b === LF) terminator("\n");
        else if (b === CR) prevCR = true;
        else if (b === QUOTE && atStart) {
          inQuotes = true;
          atStart = false;
        } else if (b === DELIM) atStart = true;
        else atStart = false;
        if (out.mixed) return out;
      }
    }
    if (prevCR) terminator("\r");
  } finally {
    await fh.close();
  }
  return out;
}

/**
 * The single-byte encoding a file that is not UTF-8 is read in: Windows-1252, the superset of
 * Latin-1 (ISO-8859-1) that Excel on Windows writes: “smart quotes”, €, – and … are bytes
 * 0x80-0x9F there, which DuckDB's own latin-1 reader refuses ("File is not latin-1 encoded").
 */
const SINGLE_BYTE = "windows-1252";

/**
 * Writes a UTF-8 copy of a single-byte (Windows-1252) file, for DuckDB to read; line breaks keep
 * their bytes, so line numbers stay the same. The copy is owner-only (it holds the model's data);
 * `remove` deletes it.
 */
export async function utf8Copy(path: string): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "klaviyo-sync-csv-"));
  const out = join(dir, "model.csv");
  const decoder = new TextDecoder(SINGLE_BYTE);
  const input = await open(path, "r");
  const output = await open(out, "w", 0o600);
  try {
    const buf = Buffer.alloc(CHUNK);
    for (;;) {
      const { bytesRead } = await input.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      await output.write(decoder.decode(buf.subarray(0, bytesRead), { stream: true }));
    }
    await output.write(decoder.decode());
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new ConfigError(
      `The model file ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`,
    );
  } finally {
    await input.close();
    await output.close();
  }
  return { path: out, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** `read_csv(...)` reading every column as text, bad lines left out (and stored when `rejects` names tables). */
export function readCsvSql(
  path: string,
  layout: CsvLayout,
  rejects?: { table: string; scan: string },
): string {
  const columns = layout.columns.map((c) => `${sqlString(c)}: 'VARCHAR'`).join(", ");
  const options = [
    "auto_detect = false",
    "header = true",
    `delim = ${sqlString(layout.delimiter)}`,
    `quote = '"'`,
    `escape = '"'`,
    `encoding = ${sqlString(layout.encoding)}`,
    ...(layout.newline
      ? [`new_line = ${sqlString(layout.newline.replace(/\r/g, "\\r").replace(/\n/g, "\\n"))}`]
      : []),
    `columns = {${columns}}`,
    "ignore_errors = true",
    "null_padding = false",
    ...(rejects
      ? [
          "store_rejects = true",
          `rejects_table = ${sqlString(rejects.table)}`,
          `rejects_scan = ${sqlString(rejects.scan)}`,
        ]
      : []),
  ];
  return `read_csv(${sqlString(path)}, ${options.join(", ")})`;
}

const INT_RE = "^-?(0|[1-9][0-9]*)$";
const DEC_RE = "^-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?$";
const TS_RE =
  "^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$";

export type CsvColumnType = "VARCHAR" | "BIGINT" | "DOUBLE" | "BOOLEAN" | "TIMESTAMPTZ";

/** One query over the whole file saying which type each column's values all fit. */
export function inferTypesSql(from: string, columns: readonly string[]): string {
  const parts = columns.flatMap((c, i) => {
    const v = quoteIdent(c);
    return [
      `count(${v}) AS n${i}`,
      `bool_and(regexp_matches(${v}, '${INT_RE}') AND TRY_CAST(${v} AS BIGINT) IS NOT NULL) AS i${i}`,
      `bool_and(regexp_matches(${v}, '${DEC_RE}') AND TRY_CAST(${v} AS DOUBLE) IS NOT NULL) AS d${i}`,
      `bool_and(lower(${v}) IN ('true', 'false')) AS b${i}`,
      `bool_and(regexp_matches(${v}, '${TS_RE}') AND TRY_CAST(${v} AS TIMESTAMPTZ) IS NOT NULL) AS t${i}`,
    ];
  });
  return `SELECT ${parts.join(", ")} FROM ${from}`;
}

/** Column types from the `inferTypesSql` row. */
export function typesFromInference(
  row: Record<string, unknown>,
  columns: readonly string[],
): CsvColumnType[] {
  return columns.map((_, i) => {
    if (Number(row[`n${i}`] ?? 0) === 0) return "VARCHAR";
    if (row[`i${i}`] === true) return "BIGINT";
    if (row[`d${i}`] === true) return "DOUBLE";
    if (row[`b${i}`] === true) return "BOOLEAN";
    if (row[`t${i}`] === true) return "TIMESTAMPTZ";
    return "VARCHAR";
  });
}

/** The SELECT list casting the text columns to their inferred types. */
export function castList(columns: readonly string[], types: readonly CsvColumnType[]): string {
  return columns
    .map((c, i) => {
      const t = types[i] ?? "VARCHAR";
      const v = quoteIdent(c);
      return t === "VARCHAR" ? v : `CAST(${v} AS ${t}) AS ${v}`;
    })
    .join(", ");
}

/** A reason a user can act on, from DuckDB's reject record. */
export function rejectReason(errorType: string, message: string, columns: number): string {
  const found = [...message.matchAll(/Found: (\d+)/g)].map((m) => Number(m[1]));
  switch (errorType) {
    case "MISSING COLUMNS":
      return `the line has ${found.length > 0 ? Math.min(...found) : "too few"} field(s) but the header has ${columns} (a ragged row)`;
    case "TOO MANY COLUMNS":
      return `the line has more fields than the ${columns} in the header (a ragged row, or an unquoted delimiter in a value)`;
    case "UNQUOTED VALUE":
      return 'a quoted value is not closed, or a quote appears inside an unquoted value (write quotes inside values as "")';
    case "INVALID ENCODING":
      return "the line is not valid UTF-8 (save the file as UTF-8)";
    case "LINE SIZE OVER MAXIMUM":
      return "the line is longer than the maximum line size (2 MB)";
    default:
      return message.replace(/[.\s]+$/, "");
  }
}

/** The SQL collecting rejects, one per line (a line can fail for several reasons; the first is kept). */
export function rejectsSql(table: string, limit: number): string {
  return `SELECT line::BIGINT AS line, arg_min(error_type::VARCHAR, byte_position) AS error_type, arg_min(error_message, byte_position) AS message, arg_min(csv_line, byte_position) AS text FROM ${quoteIdent(table)} GROUP BY line ORDER BY line LIMIT ${limit}`;
}

export function rejectsCountSql(table: string): string {
  return `SELECT count(DISTINCT line)::BIGINT AS n FROM ${quoteIdent(table)}`;
}
