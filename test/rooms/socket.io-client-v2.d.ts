// socket.io-client 2.x ships no types; the little of it the rooms tests use (the npm alias
// `socket.io-client-v2` of socket.io-client@2.5.0, the clients of the original rooms server).
declare module 'socket.io-client-v2' {
  export interface SocketV2 {
    readonly id: string;
    readonly connected: boolean;
    readonly io: { readonly engine: { readonly id: string } };
    on(event: string, listener: (...args: any[]) => void): SocketV2;
    once(event: string, listener: (...args: any[]) => void): SocketV2;
    off(event: string, listener?: (...args: any[]) => void): SocketV2;
    emit(event: string, ...args: unknown[]): SocketV2;
    close(): SocketV2;
  }
  export interface OptionsV2 {
    query?: Record<string, string>;
    transports?: string[];
    reconnection?: boolean;
    forceNew?: boolean;
  }
  const io: (url: string, options?: OptionsV2) => SocketV2;
  export default io;
}
