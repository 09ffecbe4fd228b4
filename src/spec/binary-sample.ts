/**
 * The bytes generated payloads put where a schema says binary (`x-socketio-binary`): a one-pixel
 * PNG's signature and header, so that a server checking bytes against their type accepts them.
 */
export const PNG_PIXEL = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
