/** "Did you mean" suggestions for mistyped keys, stream names, formats and schemes. */

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
 * adjacent characters each cost 1.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1).fill(0);
    row[0] = i;
    rows.push(row);
  }
  const first = rows[0]!;
  for (let j = 0; j <= b.length; j++) first[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i]!;
    const prev = rows[i - 1]!;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      }
      row[j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

function normalize(s: string): string {
  return s.toLowerCase().replace(/-/g, "_");
}

/**
 * The candidate closest to `input`, when it is close enough to be a plausible typo (about a third
 * of the input's length, at least 2 edits) or `input` is the start of it. Case and `-` versus `_`
 * do not count.
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const needle = normalize(input);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = editDistance(needle, normalize(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.floor(needle.length / 3));
  if (best !== undefined && bestDistance <= limit) return best;
  // A truncated name (`stream` for `stream_name`, `list` for `list_memberships`).
  if (needle.length >= 3) return candidates.find((c) => normalize(c).startsWith(needle));
  return undefined;
}

/** ` Did you mean "x"?` or the empty string. */
export function didYouMean(
  input: string,
  candidates: readonly string[],
  render = (s: string) => `"${s}"`,
): string {
  const match = closest(input, candidates);
  return match === undefined ? "" : ` Did you mean ${render(match)}?`;
}

/** `a, b and c`, each quoted. */
export function listQuoted(items: readonly string[]): string {
  const quoted = items.map((s) => `"${s}"`);
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}

/** `a, b or c`, each quoted. */
export function listAlternatives(items: readonly string[]): string {
  const quoted = items.map((s) => `"${s}"`);
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
}
