import type { ChatState } from '../model/chat-state.js';
import { byId, h } from './dom.js';

/** The connection banner: shown while reconnecting or closed, hidden while the connection is up. */
export class BannerView {
  private readonly banner = byId('banner');
  private readonly dot = byId('link-dot');
  private shown = '';

  render(state: ChatState): void {
    const down = state.status === 'reconnecting' || state.status === 'closed';
    this.dot.classList.toggle('down', state.status !== 'open');
    this.dot.title = state.status === 'open' ? 'Connected' : 'Not connected';
    const key = `${state.status}:${state.retry?.attempt ?? ''}`;
    if (key === this.shown) return;
    this.shown = key;
    this.banner.hidden = !down;
    this.banner.dataset['status'] = state.status;
    this.banner.classList.toggle('closed', state.status === 'closed');
    if (state.status === 'reconnecting') {
      const attempt = state.retry && state.retry.attempt > 1 ? ` (attempt ${state.retry.attempt})` : '';
      this.banner.replaceChildren(
        h('span', { class: 'spinner', 'aria-hidden': 'true' }),
        `Connection lost. Reconnecting${attempt}…`,
      );
    } else if (state.status === 'closed') {
      this.banner.replaceChildren(
        `Disconnected: ${state.closedReason ?? 'the connection closed'}.`,
        h('button', { type: 'button', onclick: () => location.reload() }, 'Reload'),
      );
    }
  }
}
