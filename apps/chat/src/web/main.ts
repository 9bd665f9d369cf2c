import { connect } from '@tether/client';
import { ChatClient } from './model/chat-client.js';
import type { TokenStore } from './model/chat-state.js';
import { BannerView } from './view/banner-view.js';
import { byId } from './view/dom.js';
import { ConversationView } from './view/conversation-view.js';
import { LoginView } from './view/login-view.js';
import { SidebarView } from './view/sidebar-view.js';

const TOKEN_KEY = 'tether-chat:session';

/** The session token lives as long as the tab: a reload signs back in, a new tab picks a name. */
const tokens: TokenStore = {
  get: () => sessionStorage.getItem(TOKEN_KEY) ?? undefined,
  set: (token) =>
    token === undefined ? sessionStorage.removeItem(TOKEN_KEY) : sessionStorage.setItem(TOKEN_KEY, token),
};

const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc`;
// Short delays: a chat should be back within a second or two of its server.
const client = connect(url, { reconnect: { baseDelay: 250, maxDelay: 4000 } });
const chat = new ChatClient(client, tokens);

const app = byId('app');
const banner = new BannerView();
const login = new LoginView(chat);
const sidebar = new SidebarView(chat);
const conversation = new ConversationView(chat);

let scheduled = false;
/** Draws once per burst of changes: a reconnect replaying fifty messages draws once, not fifty times. */
function render(): void {
  scheduled = false;
  const { state } = chat;
  banner.render(state);
  login.render(state);
  app.hidden = state.me === undefined;
  if (app.hidden) return;
  sidebar.render(state);
  conversation.render(state);
}

chat.onChange(() => {
  if (scheduled) return;
  scheduled = true;
  queueMicrotask(render);
});
chat.start();
render();
