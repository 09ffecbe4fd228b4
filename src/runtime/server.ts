// The protocol-independent half of every generated server stub: what attaching a namespace
// wires together (handshake, dispatch, emits, each in its own module). Generated stubs describe
// their protocol as data (src/runtime/namespace-spec.ts) and hand it to attachNamespace.
import type { Namespace, Server, Socket } from 'socket.io';
import { createContext, type EmitRecorder, type HandlerContext } from './context.js';
import { dispatchEvents } from './dispatch.js';
import { errorPayload, type NamespaceSpec, type Validate } from './namespace-spec.js';
import { userRoom, type Failure } from './errors.js';
import { FlowControl, type FlowControlOptions } from './flow-control.js';
import { authenticateHandshakes, connectionState, type Authenticate } from './handshake.js';

export type { HandlerContext } from './context.js';
export { extendContext } from './context.js';
export { emitToRecipients, namespaceEmitter, type Recipient, type ServerRecipient } from './emits.js';
export type { Authenticate, Credential, Identity } from './handshake.js';
export type { ClientEventSpec, CredentialSource, ErrorField, Handshake, NamespaceSpec, Validate } from './namespace-spec.js';

export interface Logger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface AttachOptions {
  /** Verifies a handshake's credential (see {@link Authenticate}). */
  readonly authenticate: Authenticate;
  /** Validate every server emit against the spec. Default: on unless NODE_ENV is production. */
  readonly validateOutgoing?: boolean;
  /** Whether a user (by user key) counts as online, for namespaces that require it. */
  isOnline?(userKey: string, namespace: string): boolean | Promise<boolean>;
  readonly logger?: Logger;
  /**
   * Rate limits and queue bounds on client events (default: DEFAULT_FLOW_CONTROL, 20 events/s
   * burst 40 per socket). A refused event gets the error event with status 429; a socket that
   * keeps sending after refusals is disconnected. `false` turns flow control off.
   */
  readonly flowControl?: FlowControlOptions | false;
  /**
   * Check each handler's emits against the spec's sequence for its event (an emit the sequence
   * does not have, emits out of order, an unconditional emit missing): `log` reports a
   * violation as an error, `throw` also raises it outside the handler (an uncaught exception:
   * for tests, so that a server that does not follow its spec fails them), `false` skips the
   * check. Default: `log` when outgoing validation is on.
   */
  readonly checkSequences?: 'log' | 'throw' | false;
}

/**
 * Registers a namespace: handshake, identity, requirements, validation and dispatch of every
 * client event to its handler. Failures never reach the socket as exceptions: they become the
 * protocol's error event, and the socket stays connected.
 */
export function attachNamespace(io: Server, spec: NamespaceSpec, handlers: Record<string, unknown>, validate: Validate, options: AttachOptions): Namespace {
  const nsp = io.of(spec.path);
  const logger = options.logger;
  const validateOutgoing = options.validateOutgoing ?? process.env.NODE_ENV !== 'production';
  const flow = options.flowControl === false ? undefined : new FlowControl(options.flowControl);
  const checkSequences = options.checkSequences ?? (validateOutgoing ? 'log' : false);

  const sendError = (socket: Socket, failure: Failure) => {
    socket.emit(spec.errorEvent, errorPayload(spec.errorFields, failure));
  };
  const reportSequence = (message: string) => {
    const error = new Error(`the handler does not follow the spec's sequence: ${message}`);
    logger?.error({ err: error, namespace: spec.path }, error.message);
    // Outside the handler: the client still gets its answer, and the process (a test run) fails.
    if (checkSequences === 'throw') {
      process.nextTick(() => {
        throw error;
      });
    }
  };

  nsp.use(authenticateHandshakes(spec, options.authenticate, logger));

  nsp.on('connection', (socket) => {
    // Node's EventEmitter throws on an 'error' event nobody listens to; socket.io emits one for
    // middleware errors, and a client may send an event by that name.
    socket.on('error', (err) => logger?.warn({ err, namespace: spec.path }, 'socket error'));
    const state = connectionState(socket);
    if (state.refused) {
      sendError(socket, state.refused);
      // Only this namespace: other namespaces multiplexed on the connection stay up.
      socket.disconnect();
      return;
    }
    if (state.userKey) void socket.join(userRoom(state.userKey));
    const recorder: EmitRecorder = {};
    const context = createContext(socket, spec, state, validateOutgoing ? validate : undefined, recorder);
    dispatchEvents(socket, {
      spec,
      handlers,
      validate,
      context: (spec.context ? spec.context(context) : context) as HandlerContext,
      state,
      recorder,
      gate: flow?.open(state.userKey),
      isOnline: options.isOnline,
      sendError,
      reportSequence: checkSequences ? reportSequence : undefined,
      logger,
    });
  });

  return nsp;
}

