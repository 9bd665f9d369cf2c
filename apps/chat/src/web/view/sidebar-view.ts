import type { ChatClient } from '../model/chat-client.js';
import type { ChatState } from '../model/chat-state.js';
import { avatar } from './avatar.js';
import { byId, h, showError } from './dom.js';
import { colour, initials } from './format.js';

/** Rooms (with member counts and unread badges), people (with presence), and who we are. */
export class SidebarView {
  private readonly app = byId('app');
  private readonly rooms = byId('room-list');
  private readonly people = byId('people');
  private readonly peopleCount = byId('people-count');
  private readonly roomError = byId('room-error');
  private readonly newRoom = byId<HTMLFormElement>('new-room');
  private readonly newRoomName = byId<HTMLInputElement>('new-room-name');
  private readonly meAvatar = byId('me-avatar');
  private readonly meName = byId('me-name');

  constructor(private readonly chat: ChatClient) {
    this.newRoom.addEventListener('submit', (event) => {
      event.preventDefault();
      void chat.join(this.newRoomName.value.trim(), true).then((joined) => {
        if (joined) {
          this.newRoomName.value = '';
          this.close();
        }
      });
    });
    byId('sign-out').addEventListener('click', () => void chat.signOut());
    byId('menu').addEventListener('click', () => this.app.classList.add('sidebar-open'));
    byId('scrim').addEventListener('click', () => this.close());
  }

  render(state: ChatState): void {
    this.renderRooms(state);
    this.renderPeople(state);
    showError(this.roomError, state.roomError);
    if (state.me && this.meName.textContent !== state.me.name) {
      this.meAvatar.textContent = initials(state.me.name);
      this.meAvatar.style.setProperty('--avatar', colour(state.me.name));
      this.meName.textContent = state.me.name;
    }
  }

  private renderRooms(state: ChatState): void {
    const names = new Set([...state.rooms.map((r) => r.name), ...state.feeds.keys()]);
    const members = new Map(state.rooms.map((r) => [r.name, r.members]));
    const items = [...names].sort().map((name) => {
      const feed = state.feeds.get(name);
      const classes = [feed ? 'joined' : '', state.active === name ? 'active' : ''].filter(Boolean).join(' ');
      const count = members.get(name) ?? 0;
      return h(
        'li',
        { class: classes, 'data-room': name },
        h(
          'button',
          {
            type: 'button',
            'aria-current': state.active === name ? 'true' : undefined,
            title: feed ? `Show #${name}` : `Join #${name}`,
            onclick: () => {
              void this.chat.join(name);
              this.close();
            },
          },
          h('span', { class: 'hash' }, '#'),
          h('span', { class: 'room-label' }, name),
          feed && feed.unread > 0
            ? h('span', { class: 'badge', 'aria-label': `${feed.unread} unread` }, String(feed.unread))
            : null,
          h('span', { class: 'members', title: `${count} member${count === 1 ? '' : 's'}` }, String(count)),
        ),
      );
    });
    this.rooms.replaceChildren(...items);
  }

  private renderPeople(state: ChatState): void {
    const online = state.presence.filter((p) => p.status === 'online').length;
    this.peopleCount.textContent = `· ${online} online`;
    this.people.classList.toggle('stale', state.status !== 'open');
    this.people.replaceChildren(
      ...state.presence.map((person) =>
        h(
          'li',
          { class: person.status, 'data-name': person.name, 'data-status': person.status },
          avatar(person.name, { status: true }),
          h('span', { class: 'person-name' }, person.name === state.me?.name ? `${person.name} (you)` : person.name),
          person.status === 'away' ? h('span', { class: 'status' }, 'away') : null,
        ),
      ),
    );
  }

  private close(): void {
    this.app.classList.remove('sidebar-open');
  }
}
