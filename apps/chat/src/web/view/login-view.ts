import type { ChatClient } from '../model/chat-client.js';
import type { ChatState } from '../model/chat-state.js';
import { byId, showError } from './dom.js';
import { plural } from './format.js';

/** The sign-in form, shown until the server accepts a name. */
export class LoginView {
  private readonly root = byId('login');
  private readonly form = byId<HTMLFormElement>('login-form');
  private readonly name = byId<HTMLInputElement>('login-name');
  private readonly submit = byId<HTMLButtonElement>('login-submit');
  private readonly error = byId('login-error');
  private readonly stats = byId('login-stats');

  constructor(chat: ChatClient) {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void chat.signIn(this.name.value);
    });
    this.name.addEventListener('input', () => {
      this.error.hidden = true;
    });
  }

  render(state: ChatState): void {
    const wasHidden = this.root.hidden;
    this.root.hidden = state.me !== undefined;
    if (this.root.hidden) return;
    if (wasHidden) {
      // After the server lost the session, the name is offered again: one click to carry on.
      if (state.lastName && this.name.value === '') this.name.value = state.lastName;
      this.name.focus();
    }
    this.submit.disabled = state.signingIn;
    this.submit.textContent = state.signingIn ? 'Joining…' : 'Join the chat';
    showError(this.error, state.loginError);
    const online = state.presence.filter((p) => p.status === 'online').length;
    this.stats.textContent =
      state.status === 'open'
        ? `${online} ${online === 1 ? 'person' : 'people'} online · ${plural(state.rooms.length, 'room')}`
        : 'Connecting…';
  }
}
