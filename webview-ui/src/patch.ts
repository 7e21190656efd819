/**
 * Updates the page in place from a freshly rendered copy, so an update keeps focus, selection, scroll and the
 * screen reader's place: an element that stays is the same DOM node, only its changed attributes and text
 * are touched. Children match by `data-key` when they carry one (rows, cards, sections), else by position and
 * tag. Returns whether anything changed, so the caller can say so on the status line.
 * The page has no event listeners on its elements (one delegated handler in main.ts), so keeping an old
 * node never keeps an old closure.
 */
export function patchChildren(parent: Node, next: readonly Node[]): boolean {
  let changed = false;
  const old = [...parent.childNodes];
  const keyed = new Map<string, Node>();
  for (const n of old) {
    const k = keyOf(n);
    if (k !== undefined && !keyed.has(k)) keyed.set(k, n);
  }
  // 1. Pair each new node with the old one it replaces, if any.
  const used = new Set<Node>();
  const matches: (Node | undefined)[] = [];
  let cursor = 0;
  for (const n of next) {
    const k = keyOf(n);
    let match: Node | undefined;
    if (k !== undefined) {
      const cand = keyed.get(k);
      if (cand && !used.has(cand) && sameKind(cand, n)) match = cand;
    } else {
      while (cursor < old.length && (used.has(old[cursor]) || keyOf(old[cursor]) !== undefined)) cursor++;
      const cand = old[cursor];
      if (cand && sameKind(cand, n)) {
        match = cand;
        cursor++;
      }
    }
    if (match) used.add(match);
    matches.push(match);
  }
  // 2. Drop the old nodes nobody kept first, so the kept ones need no moving around them.
  for (const n of old)
    if (!used.has(n)) {
      parent.removeChild(n);
      changed = true;
    }
  // 3. Walk the new order: keep matched nodes where they are when they already are in place.
  let ref: Node | null = parent.firstChild;
  next.forEach((n, i) => {
    const match = matches[i];
    const node = match ?? n;
    if (match) {
      if (morph(match, n)) changed = true;
    } else changed = true;
    if (node === ref) ref = ref.nextSibling;
    else {
      parent.insertBefore(node, ref);
      changed = true;
    }
  });
  return changed;
}

/** Makes `old` look like `next`; true if anything changed. */
export function morph(old: Node, next: Node): boolean {
  if (old.nodeType !== Node.ELEMENT_NODE) {
    if (old.nodeValue === next.nodeValue) return false;
    old.nodeValue = next.nodeValue;
    return true;
  }
  const a = old as Element;
  const b = next as Element;
  let changed = false;
  // A custom element (vscode-button) sets attributes of its own after it renders (role, tabindex, focused):
  // the fresh copy has not rendered yet, so their absence there is not a change to make.
  const own = a.localName.includes('-');
  for (const { name } of [...a.attributes]) {
    if (!b.hasAttribute(name) && !(own && !PAGE_SET.test(name))) {
      a.removeAttribute(name);
      changed = true;
    }
  }
  for (const { name, value } of [...b.attributes]) {
    if (a.getAttribute(name) !== value) {
      a.setAttribute(name, value);
      changed = true;
    }
  }
  // Form state lives in properties, not attributes: keep them in step for the few the page uses.
  if (a instanceof HTMLInputElement && b instanceof HTMLInputElement && a.checked !== b.checked) {
    a.checked = b.checked;
    changed = true;
  }
  return patchChildren(a, [...b.childNodes]) || changed;
}

/** The attributes the page itself sets on custom elements (dom.ts); any others belong to the element. */
const PAGE_SET = /^(data-.*|aria-label|aria-disabled|disabled|secondary|title|class|variant)$/;

function keyOf(n: Node): string | undefined {
  return n.nodeType === Node.ELEMENT_NODE ? ((n as Element).getAttribute('data-key') ?? undefined) : undefined;
}

function sameKind(a: Node, b: Node): boolean {
  return a.nodeType === b.nodeType && a.nodeName === b.nodeName;
}
