/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// inspectLayout is passed to page.evaluate and runs in the browser: it must not
// use anything from this module's scope.
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);

export type LayoutRule = 'page-scroll' | 'overflow' | 'clipped' | 'overlap' | 'narrow';

/** One thing a person would see wrong, located well enough to fix. */
export interface LayoutProblem {
  rule: LayoutRule;
  /** A CSS path to the element. */
  where: string;
  /** The text concerned, shortened. */
  text: string;
  /** What was measured against what. */
  detail: string;
}

/**
 * The geometry rules of CUST-WP-0025 T18 ("visual-check style desktop/mobile,
 * no-overlap, text-overflow"), measured in the browser in one pass:
 * - page-scroll: the page scrolls sideways;
 * - overflow: text reaches outside the box that holds it;
 * - clipped: text cut off by an ancestor that hides its overflow;
 * - overlap: two visible pieces of text cover each other;
 * - narrow: a link, cell or value narrower than three characters of its font
 *   while holding longer text (its words break letter by letter).
 * Ignored on purpose: invisible and visually hidden (sr-only) text, text
 * parked off-screen (the skip link), what lies beyond a scroll container's
 * edge (a wide table in its scroll wrapper; the page itself must not scroll),
 * and SVG internals: a diagram is checked as one box.
 */
export function inspectLayout(): LayoutProblem[] {
  const TOLERANCE = 1;
  const problems: LayoutProblem[] = [];
  const styles = new Map<Element, CSSStyleDeclaration>();
  const style = (el: Element) => {
    let s = styles.get(el);
    if (!s) styles.set(el, (s = getComputedStyle(el)));
    return s;
  };
  const short = (text: string) => {
    const t = text.replace(/\s+/g, ' ').trim();
    return t.length > 60 ? `${t.slice(0, 57)}…` : t;
  };
  const px = (n: number) => `${Math.round(n)}px`;
  const box = (r: DOMRect) => `${px(r.width)}×${px(r.height)} at (${px(r.left)}, ${px(r.top)})`;

  const where = (el: Element): string => {
    const parts: string[] = [];
    for (let e: Element | null = el; e && e !== document.body && parts.length < 6; e = e.parentElement) {
      if (e.id) {
        parts.unshift(`#${e.id}`);
        break;
      }
      let part = e.tagName.toLowerCase();
      const cls = [...e.classList].slice(0, 2);
      if (cls.length > 0) part += `.${cls.join('.')}`;
      const parent = e.parentElement;
      if (parent) {
        const same = [...parent.children].filter((c) => c.tagName === e!.tagName);
        if (same.length > 1) part += `:nth-of-type(${same.indexOf(e) + 1})`;
      }
      parts.unshift(part);
    }
    return parts.join(' > ');
  };

  const hiddenCache = new Map<Element, boolean>();
  /** Not shown, or shown only to screen readers (clipped to nothing, 1 px boxes). */
  const visuallyHidden = (el: Element): boolean => {
    const known = hiddenCache.get(el);
    if (known !== undefined) return known;
    const s = style(el);
    const r = el.getBoundingClientRect();
    const clipsAll =
      (s.clip !== 'auto' && s.clip !== '' && s.position === 'absolute') ||
      /inset\(50%|inset\(100%/.test(s.clipPath) ||
      (s.overflow !== 'visible' && r.width <= 1 && r.height <= 1);
    // checkVisibility also hides the content of a closed <details> (content-visibility: hidden).
    const hidden =
      !el.checkVisibility({ opacityProperty: true, visibilityProperty: true }) || clipsAll ||
      (el.parentElement ? visuallyHidden(el.parentElement) : false);
    hiddenCache.set(el, hidden);
    return hidden;
  };
  const isScroller = (el: Element) => /auto|scroll/.test(style(el).overflowX) || /auto|scroll/.test(style(el).overflowY);
  const isClipper = (el: Element) => /hidden|clip/.test(style(el).overflowX) || /hidden|clip/.test(style(el).overflowY);
  /** The nearest ancestor that lays out a box (not an inline span or a `display: contents`). */
  const boxOf = (el: Element): Element => {
    let e: Element = el;
    while (e.parentElement && /^(inline|contents)$/.test(style(e).display)) e = e.parentElement;
    return e;
  };
  /** The part of `r` not cut away by ancestors that clip or scroll (what a person sees). */
  const visiblePart = (el: Element, r: DOMRect): DOMRect | undefined => {
    let { left, top, right, bottom } = r;
    for (let e = el.parentElement; e && e !== document.documentElement; e = e.parentElement) {
      if (!isScroller(e) && !isClipper(e)) continue;
      const c = e.getBoundingClientRect();
      const l = c.left + e.clientLeft;
      const t = c.top + e.clientTop;
      left = Math.max(left, l);
      top = Math.max(top, t);
      right = Math.min(right, l + e.clientWidth);
      bottom = Math.min(bottom, t + e.clientHeight);
    }
    return right - left > TOLERANCE && bottom - top > TOLERANCE ? new DOMRect(left, top, right - left, bottom - top) : undefined;
  };
  const beyond = (inner: DOMRect, outer: { left: number; top: number; right: number; bottom: number }) =>
    inner.left < outer.left - TOLERANCE || inner.right > outer.right + TOLERANCE || inner.top < outer.top - TOLERANCE || inner.bottom > outer.bottom + TOLERANCE;
  const offScreen = (r: DOMRect) => r.right <= 0 || r.bottom <= 0;

  // The page scrolls sideways: name the elements that reach past the viewport.
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + TOLERANCE) {
    const culprits = [...document.body.querySelectorAll('*')].filter((el) => {
      if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') return false;
      if (visuallyHidden(el)) return false;
      const r = el.getBoundingClientRect();
      return r.right > root.clientWidth + TOLERANCE && visiblePart(el, r)?.right === r.right;
    });
    // The outermost ones: their descendants only repeat them.
    const outermost = culprits.filter((el) => !culprits.some((other) => other !== el && other.contains(el)));
    problems.push({
      rule: 'page-scroll',
      where: 'html',
      text: '',
      detail: `the page is ${px(root.scrollWidth)} wide in a ${px(root.clientWidth)} viewport; too wide: ${outermost.slice(0, 3).map((el) => `${where(el)} (${px(el.getBoundingClientRect().width)})`).join(', ') || 'no single element'}`,
    });
  }

  // Text: overflow, clipping, and the pieces kept for the overlap sweep.
  interface Piece { node: Text; el: Element; rect: DOMRect }
  const pieces: Piece[] = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) =>
      !n.nodeValue?.trim() || n.parentElement?.closest('svg, script, style, noscript, template') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  const range = document.createRange();
  for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) {
    const el = n.parentElement!;
    if (visuallyHidden(el)) continue;
    range.selectNodeContents(n);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
    if (rects.length === 0 || rects.every(offScreen)) continue;
    const holder = boxOf(el);
    const holderRect = holder.getBoundingClientRect();
    let reported = false;
    for (const r of rects) {
      if (!reported && !isScroller(holder) && !isClipper(holder) && beyond(r, holderRect)) {
        problems.push({ rule: 'overflow', where: where(el), text: short(n.nodeValue!), detail: `text box ${box(r)} reaches outside its ${where(holder)} box ${box(holderRect)}` });
        reported = true;
      }
      for (let e: Element = el; !reported && e !== document.documentElement; e = e.parentElement!) {
        if (isScroller(e)) break;
        if (!isClipper(e)) continue;
        const c = e.getBoundingClientRect();
        const inner = { left: c.left + e.clientLeft, top: c.top + e.clientTop, right: c.left + e.clientLeft + e.clientWidth, bottom: c.top + e.clientTop + e.clientHeight };
        if (beyond(r, inner)) {
          problems.push({ rule: 'clipped', where: where(el), text: short(n.nodeValue!), detail: `text box ${box(r)} is cut off by ${where(e)} (overflow hidden, ${px(e.clientWidth)}×${px(e.clientHeight)})` });
          reported = true;
        }
      }
      const seen = visiblePart(el, r);
      if (seen) pieces.push({ node: n, el, rect: seen });
    }
  }

  // Atomic boxes (badges, inputs, buttons, images, diagrams, scroll wrappers) stay inside what holds them.
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
    const s = style(el);
    const atomic = /^inline-(block|flex|grid|table)$/.test(s.display) || /^(svg|img|input|button|select|textarea)$/i.test(el.tagName) || isScroller(el);
    if (!atomic || s.position === 'absolute' || s.position === 'fixed' || visuallyHidden(el) || !el.parentElement) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || offScreen(r)) continue;
    const holder = boxOf(el.parentElement);
    if (isScroller(holder)) continue;
    const holderRect = holder.getBoundingClientRect();
    if (r.left < holderRect.left - TOLERANCE || r.right > holderRect.right + TOLERANCE) {
      problems.push({ rule: 'overflow', where: where(el), text: short(el.textContent ?? ''), detail: `box ${box(r)} reaches outside its ${where(holder)} box ${box(holderRect)}` });
    }
  }

  // Overlap: a sweep over the visible text pieces, top to bottom.
  pieces.sort((a, b) => a.rect.top - b.rect.top);
  const overlapping = new Set<string>();
  for (let i = 0; i < pieces.length; i++) {
    const a = pieces[i]!;
    for (let j = i + 1; j < pieces.length && pieces[j]!.rect.top < a.rect.bottom - TOLERANCE; j++) {
      const b = pieces[j]!;
      if (a.node === b.node) continue;
      const w = Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left);
      const h = Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top);
      if (w <= TOLERANCE || h <= TOLERANCE) continue;
      const key = `${where(a.el)}|${where(b.el)}`;
      if (overlapping.has(key)) continue;
      overlapping.add(key);
      problems.push({ rule: 'overlap', where: where(a.el), text: short(a.node.nodeValue!), detail: `covers "${short(b.node.nodeValue!)}" (${where(b.el)}) by ${px(w)}×${px(h)}` });
    }
  }

  // Narrow: links, cells and values thinner than three characters of their own font.
  const canvas = document.createElement('canvas').getContext('2d')!;
  for (const el of document.body.querySelectorAll('a, td, th, dd, dt, li, code, .badge, output, label')) {
    if (el.closest('svg') || visuallyHidden(el)) continue;
    const text = (el as HTMLElement).innerText.replace(/\s+/g, ' ').trim();
    if (text.length <= 3) continue;
    const s = style(el);
    const r = el.getBoundingClientRect();
    if (r.width === 0 || offScreen(r)) continue;
    const width = s.display === 'inline' ? r.width : el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
    canvas.font = s.font;
    const threeChars = canvas.measureText('000').width;
    if (width < threeChars) {
      problems.push({ rule: 'narrow', where: where(el), text: short(text), detail: `${px(width)} wide, less than three characters (${px(threeChars)}), for ${text.length} characters: its words break letter by letter` });
    }
  }
  return problems;
}

export function describeProblem(p: LayoutProblem): string {
  return `${p.rule}: ${p.where}${p.text ? ` "${p.text}"` : ''} — ${p.detail}`;
}

/** The page's geometry problems, as readable lines. */
export async function layoutProblems(page: Page): Promise<string[]> {
  return (await page.evaluate(inspectLayout)).map(describeProblem);
}

interface AxeResult {
  violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: string[]; failureSummary?: string }> }>;
}

/** Every axe-core violation on the page (colour contrast included), each node named. */
export async function axeProblems(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<AxeResult> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return result.violations.flatMap((v) =>
    v.nodes.slice(0, 5).map((n) => `axe ${v.id} (${v.impact}): ${n.target.join(' ')} — ${v.help}${n.failureSummary ? `; ${n.failureSummary.replace(/\s+/g, ' ')}` : ''}`),
  );
}
