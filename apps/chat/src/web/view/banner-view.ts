import type { ChatState } from '../model/chat-state.js';
import { byId, h } from './dom.js';

/**
 * The connection banner: shown while reconnecting or closed, and while the server says it
 * cannot reach its shared state (Redis); hidden while all is well.
 */
export class BannerView {
  private readonly banner = byId('banner');
  private readonly dot = byId('link-dot');
  private shown = '';

  render(state: ChatState): void {
    const down = state.status === 'reconnecting' || state.status === 'closed';
    const cutOff = state.status === 'open' && state.server?.ok === false;
    this.dot.classList.toggle('down', state.status !== 'open' || cutOff);
    this.dot.title =
      state.status !== 'open'
        ? 'Not connected'
        : cutOff
          ? 'Connected, but the server cannot reach its shared store'
          : 'Connected';
    const key = `${state.status}:${state.retry?.attempt ?? ''}:${cutOff}`;
    if (key === this.shown) return;
    this.shown = key;
    this.banner.hidden = !down && !cutOff;
    this.banner.dataset['status'] = cutOff ? 'backend' : state.status;
    this.banner.classList.toggle('closed', state.status === 'closed' || cutOff);
    if (cutOff) {
      const where = state.server?.sharedThrough ?? 'its shared store';
      this.banner.replaceChildren(`The chat server cannot reach ${where}. Nothing can be sent until it is back.`);
      return;
    }
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
