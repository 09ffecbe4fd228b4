/**
 * Parley's mock server: a spec-driven Socket.IO mock for frontend teams, with a control API and
 * a browser playground. See docs/mock.md.
 */
export { startMock, type MockOptions, type MockServer } from './server.js';
export { MockProtocol, EmitError, type EmitTo } from './protocol.js';
export { createLogger, silentLogger, type Logger, type LogLevel } from '../src/server/logger.js';
export { mockToken, claimsFor, type AuthMode } from './transport/handshake.js';
export { protocolSpecFile } from './spec/spec.js';
