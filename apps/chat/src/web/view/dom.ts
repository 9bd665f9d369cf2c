type Child = Node | string | null | undefined | false;

/** Attributes and listeners for `h`: `class`, `on<event>` handlers, anything else as an attribute. */
export type Props = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

/** Makes an element: `h('li', { class: 'room' }, 'general')`. Text is always text, never HTML. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = String(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

/** The element with `id`, which the page's HTML is known to have. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`chat: the page has no #${id}`);
  return element as T;
}

/** Shows an error in `element` (hidden when there is none): words for the person, the code only in `data-code`, for tests and tools. */
export function showError(
  element: HTMLElement,
  error: { message: string; code: number | undefined } | undefined,
): void {
  element.hidden = error === undefined;
  if (!error) return;
  element.replaceChildren(error.message);
  element.dataset['code'] = error.code === undefined ? '' : String(error.code);
}
