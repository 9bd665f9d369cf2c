import type { ChatLine } from '../model/room-feed.js';
import { avatar } from './avatar.js';
import { h } from './dom.js';
import { clock } from './format.js';

/** What the page can do with one of our messages that failed. */
export interface LineActions {
  retry(key: string): void;
  discard(key: string): void;
}

/** Messages from the same sender this close together read as one block. */
const CONTINUE_MS = 5 * 60_000;

const STATE_TEXT = { sending: 'Sending…', queued: 'Offline: will send when the connection is back' } as const;

/**
 * The conversation's lines, drawn by key: a line's element is remade only when the line
 * changed, so scrolling, selection and the rest of the list stay put as messages arrive.
 */
export class MessageList {
  private drawn = new Map<string, { element: HTMLElement; signature: string }>();
  private room: string | undefined;

  constructor(
    private readonly list: HTMLElement,
    private readonly actions: LineActions,
  ) {}

  render(room: string | undefined, lines: readonly ChatLine[]): void {
    if (room !== this.room) {
      this.room = room;
      this.drawn = new Map();
      this.list.replaceChildren();
    }
    const nearBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 80;
    const lastBefore = this.list.lastElementChild;
    const next = new Map<string, { element: HTMLElement; signature: string }>();
    let previous: ChatLine | undefined;
    let cursor: ChildNode | null = this.list.firstChild;
    for (const line of lines) {
      const continued =
        line.kind === 'message' &&
        previous?.kind === 'message' &&
        previous.from === line.from &&
        line.at - previous.at < CONTINUE_MS;
      const signature = `${line.kind}|${line.state}|${line.error ?? ''}|${line.text}|${line.at}|${continued}`;
      let entry = this.drawn.get(line.key);
      if (!entry || entry.signature !== signature) {
        const element = this.draw(line, continued);
        if (entry) {
          entry.element.replaceWith(element);
          if (cursor === entry.element) cursor = element;
        }
        entry = { element, signature };
      }
      next.set(line.key, entry);
      if (entry.element !== cursor) this.list.insertBefore(entry.element, cursor);
      cursor = entry.element.nextSibling;
      previous = line;
    }
    for (const [key, { element }] of this.drawn) if (!next.has(key)) element.remove();
    this.drawn = next;
    const grew = this.list.lastElementChild !== lastBefore;
    const ownLast = lines.at(-1)?.own === true;
    if (nearBottom || (grew && ownLast)) this.list.scrollTop = this.list.scrollHeight;
  }

  private draw(line: ChatLine, continued: boolean): HTMLElement {
    if (line.kind === 'joined' || line.kind === 'left') {
      return h(
        'li',
        { class: 'event', 'data-key': line.key },
        h('strong', {}, line.from),
        line.kind === 'joined' ? ' joined the room' : ' left the room',
        ` · ${clock(line.at)}`,
      );
    }
    if (line.kind === 'notice') return h('li', { class: 'notice', 'data-key': line.key }, line.text);
    const classes = ['message', line.own ? 'own' : '', continued ? 'continued' : ''].filter(Boolean).join(' ');
    return h(
      'li',
      { class: classes, 'data-key': line.key, 'data-state': line.state, 'data-from': line.from },
      avatar(line.from, { large: true }),
      h(
        'div',
        { class: 'body' },
        h(
          'div',
          { class: 'meta' },
          h('span', { class: 'from' }, line.from),
          h('time', { class: 'time' }, clock(line.at)),
        ),
        h('p', { class: 'text' }, line.text),
        this.status(line),
      ),
    );
  }

  private status(line: ChatLine): HTMLElement | null {
    if (line.state === 'sent') return null;
    if (line.state === 'failed') {
      return h(
        'div',
        { class: 'state' },
        `Not sent: ${line.error ?? 'failed'}`,
        h('button', { type: 'button', class: 'retry', onclick: () => this.actions.retry(line.key) }, 'Retry'),
        h(
          'button',
          { type: 'button', class: 'ghost discard', onclick: () => this.actions.discard(line.key) },
          'Discard',
        ),
      );
    }
    return h('div', { class: 'state' }, STATE_TEXT[line.state]);
  }
}
