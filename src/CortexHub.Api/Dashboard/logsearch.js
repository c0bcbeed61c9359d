// Search over every line of a task's output (not only the rendered rows): the matches in order,
// stepping to the next or previous one with wrap-around, and the ranges to highlight on one line.

/** Past this many matches the search stops counting ("100,000+"). */
export const MAX_MATCHES = 100_000;

/**
 * Every occurrence of `query` (case-insensitive, literal) in the lines' visible text, in order:
 * { line (0-based index), start, end } with offsets into that text.
 * @param {{text: string}[]} lines
 */
export function findMatches(lines, query, limit = MAX_MATCHES) {
  const matches = [];
  if (!query) return { matches, complete: true };
  const pattern = new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
  for (let line = 0; line < lines.length; line++) {
    const text = lines[line].text;
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
      if (matches.length === limit) return { matches, complete: false };
      matches.push({ line, start: m.index, end: m.index + m[0].length });
    }
  }
  return { matches, complete: true };
}

/**
 * The match to go to from `current` (an index into matches, or -1 for none yet) in `direction`
 * (1 next, -1 previous), wrapping around. With none yet, it is the first match at or after `fromLine`
 * (going forward) or the last before it (going back).
 */
export function stepMatch(matches, current, direction, fromLine = 0) {
  if (matches.length === 0) return -1;
  if (current < 0 || current >= matches.length) {
    const after = firstAtOrAfter(matches, fromLine);
    if (direction > 0) return after < matches.length ? after : 0;
    return after > 0 ? after - 1 : matches.length - 1;
  }
  return (current + direction + matches.length) % matches.length;
}

/** The indexes of the matches on one line: [from, to). */
export function matchesOnLine(matches, line) {
  const from = firstAtOrAfter(matches, line);
  let to = from;
  while (to < matches.length && matches[to].line === line) to++;
  return [from, to];
}

/** Binary search: the index of the first match on `line` or later. */
function firstAtOrAfter(matches, line) {
  let low = 0;
  let high = matches.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (matches[mid].line < line) low = mid + 1;
    else high = mid;
  }
  return low;
}
