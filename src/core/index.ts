/**
 * The chat core's public surface, for protocol adapters and reference servers.
 */
export { ChatCore, MediaStoreMissingError, type ChatCoreOptions } from './chat-core.js';
export { ChatError, isChatError, type ErrorKind } from './errors.js';
export { conversationKey, type CreateGroupInput, type OpenKeyedInput, type OpenedConversation } from './conversations.js';
export { newId, isGeneratedId, idTime } from './ids.js';
export type { InboxOptions } from './inbox.js';
export { LIMITS, PAGES } from './limits.js';
export { DEFAULT_MAX_MEDIA_BYTES, inspectMedia, LocalMediaStore, type MediaStore, type StoredBlob } from './media-store.js';
export type { StoreMediaInput } from './media.js';
export type { HistoryOptions, HistoryPage, MessageChange, StoreMessageInput, StoreMessageResult } from './messages.js';
export { isCompatibleMimeType, sniffMimeType } from './mime-sniff.js';
export { MemoryPresenceStore, type PresenceStore } from './presence.js';
export type { MarkDeliveredResult, MarkReadResult } from './receipts.js';
export type * from './types.js';
