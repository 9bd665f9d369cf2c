import { Limits } from '../../shared/limits.js';
import type { ChatClient } from '../model/chat-client.js';
import type { ChatState } from '../model/chat-state.js';
import { byId, h, showError } from './dom.js';
import { plural, typingSentence } from './format.js';
import { MessageList } from './message-list.js';

/** Show the character count once a message gets this close to the limit. */
const COUNT_FROM = Limits.messageLength - 200;

/** The room on screen: its header, messages, who is typing, and the composer. */
export class ConversationView {
  private readonly roomName = byId('room-name');
  private readonly roomMembers = byId('room-members');
  private readonly leave = byId<HTMLButtonElement>('leave');
  private readonly empty = byId('empty');
  private readonly messages = byId('messages');
  private readonly typing = byId('typing');
  private readonly composer = byId<HTMLFormElement>('composer');
  private readonly text = byId<HTMLTextAreaElement>('composer-text');
  private readonly error = byId('composer-error');
  private readonly count = byId('char-count');
  private readonly menuBadge = byId('menu-badge');
  private readonly list: MessageList;
  private typingShown = '';

  constructor(private readonly chat: ChatClient) {
    this.list = new MessageList(this.messages, {
      retry: (key) => chat.retry(key),
      discard: (key) => chat.discard(key),
    });
    this.composer.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    this.text.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submit();
      }
    });
    this.text.addEventListener('input', () => {
      this.fit();
      this.updateCount();
      chat.dismissComposerError();
      if (this.text.value.trim() !== '') chat.typing();
    });
    this.leave.addEventListener('click', () => {
      const room = chat.state.active;
      if (room) void chat.leave(room);
    });
  }

  render(state: ChatState): void {
    const room = state.active;
    const feed = room === undefined ? undefined : state.feeds.get(room);
    this.empty.hidden = feed !== undefined;
    this.messages.hidden = feed === undefined;
    this.leave.hidden = feed === undefined;
    this.composer.hidden = feed === undefined;
    this.roomName.textContent = room === undefined ? 'No room' : `# ${room}`;
    const members = state.rooms.find((r) => r.name === room)?.members;
    this.roomMembers.textContent = members === undefined ? '' : plural(members, 'member');
    this.list.render(room, feed?.list() ?? []);
    this.renderTyping(feed?.typing ?? []);
    showError(this.error, state.composerError);
    const returned = this.chat.takeReturned();
    if (returned !== undefined && this.text.value === '') {
      this.text.value = returned;
      this.fit();
      this.updateCount();
    }
    const unreadElsewhere = [...state.feeds.values()].some((f) => f.name !== room && f.unread > 0);
    this.menuBadge.hidden = !unreadElsewhere;
    this.text.placeholder = room === undefined ? 'Message' : `Message #${room}`;
  }

  private submit(): void {
    this.chat.send(this.text.value);
    this.text.value = '';
    this.fit();
    this.updateCount();
    this.text.focus();
  }

  private renderTyping(names: readonly string[]): void {
    const sentence = typingSentence(names);
    if (sentence === this.typingShown) return;
    this.typingShown = sentence;
    this.typing.replaceChildren(
      ...(sentence === ''
        ? []
        : [h('span', { class: 'dots', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')), `${sentence}…`]),
    );
  }

  /** Grows the composer with its text, up to the height CSS allows. */
  private fit(): void {
    this.text.style.height = 'auto';
    this.text.style.height = `${this.text.scrollHeight}px`;
  }

  private updateCount(): void {
    const length = [...this.text.value].length;
    this.count.hidden = length < COUNT_FROM;
    this.count.textContent = `${length} / ${Limits.messageLength}`;
    this.count.classList.toggle('over', length > Limits.messageLength);
  }
}
