/** The two DOM helpers every view uses: find a hook element, build an element from text. */

/** The element with this data-testid; the page markup (index.html) must have it. */
export function el<T extends HTMLElement = HTMLElement>(testid: string): T {
  const found = document.querySelector<T>(`[data-testid="${testid}"]`)
  if (!found) throw new Error(`page is missing [data-testid="${testid}"]`)
  return found
}

/** Small DOM builder: text goes through textContent, never markup. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<'className' | 'textContent' | 'href' | 'title' | 'type', string>> = {},
  ...children: Node[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  Object.assign(node, props)
  node.append(...children)
  return node
}
