import { h } from './dom.js';
import { colour, initials } from './format.js';

/** A coloured square with a person's initials; `status` adds a presence dot. */
export function avatar(name: string, options: { large?: boolean; status?: boolean } = {}): HTMLElement {
  const element = h(
    'span',
    { class: options.large ? 'avatar large' : 'avatar', 'aria-hidden': 'true' },
    initials(name),
  );
  element.style.setProperty('--avatar', colour(name));
  if (options.status) element.append(h('span', { class: 'dot' }));
  return element;
}
