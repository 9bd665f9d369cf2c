export { startChat, RPC_PATH } from './server/start.js';
export type { ChatOptions, ChatServer } from './server/start.js';
export { ChatStore } from './server/store/chat-store.js';
export type { ChatStoreOptions } from './server/store/chat-store.js';
export { ChatErrorCode } from './shared/errors.js';
export { Limits } from './shared/limits.js';
export { Subscriptions, TYPING_NOTIFICATION } from './shared/api.js';
export type {
  ChatApi,
  HistoryEntry,
  JoinResult,
  MembershipEvent,
  MessageEvent,
  PresenceEntry,
  RoomEvent,
  RoomSummary,
  SendResult,
  ServerStatus,
  SessionInfo,
} from './shared/api.js';
