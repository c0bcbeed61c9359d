// Which rows of a long list to render: every row has the same height, a spacer gives the scroller
// the list's full height, and only the rows in view (plus a margin) exist in the DOM.
//
// Browsers cap an element's height (Firefox near 17.9 million px), so past `maxHeight` the spacer
// stays at that height and scroll positions map proportionally onto the list.

/** Below every browser's limit on an element's height. */
export const MAX_SCROLL_HEIGHT = 15_000_000;

/** The spacer's height for `count` rows. */
export function spacerHeight(count, rowHeight, maxHeight = MAX_SCROLL_HEIGHT) {
  return Math.min(count * rowHeight, maxHeight);
}

/**
 * The rows to render for a scroll position: [first, last) and `top`, where the first of them goes
 * inside the spacer (px).
 */
export function visibleRows({ scrollTop, viewportHeight, rowHeight, count, overscan = 10, maxHeight = MAX_SCROLL_HEIGHT }) {
  if (count === 0) return { first: 0, last: 0, top: 0 };
  const { range, scrollRange } = ranges(count, rowHeight, viewportHeight, maxHeight);
  const clamped = Math.max(0, Math.min(scrollTop, scrollRange));
  const virtualTop = scrollRange > 0 ? (clamped * range) / scrollRange : 0;
  const first = Math.max(0, Math.floor(virtualTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((virtualTop + viewportHeight) / rowHeight) + overscan);
  return { first, last, top: clamped - (virtualTop - first * rowHeight) };
}

/**
 * The scroll position that shows row `index` (0-based): in the middle of the view ("center"),
 * or the list's end in view ("end").
 */
export function scrollTopFor(index, { viewportHeight, rowHeight, count, align = 'center', maxHeight = MAX_SCROLL_HEIGHT }) {
  const { range, scrollRange } = ranges(count, rowHeight, viewportHeight, maxHeight);
  const wanted = align === 'end' ? range : index * rowHeight - (viewportHeight - rowHeight) / 2;
  const virtualTop = Math.max(0, Math.min(wanted, range));
  return range > 0 ? Math.round((virtualTop * scrollRange) / range) : 0;
}

/** How far the content scrolls (range) and how far the scroller does (scrollRange); equal unless capped. */
function ranges(count, rowHeight, viewportHeight, maxHeight) {
  return {
    range: Math.max(0, count * rowHeight - viewportHeight),
    scrollRange: Math.max(0, spacerHeight(count, rowHeight, maxHeight) - viewportHeight),
  };
}
