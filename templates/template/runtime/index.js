// generated/runtime/ of Parley: the protocol-independent half of stubs and clients.
import { File } from '@asyncapi/generator-react-sdk';
import { renderWithParley } from '../../render-with-parley';

export default function ({ originalAsyncAPI }) {
  const { runtime } = renderWithParley(originalAsyncAPI, __dirname);
  return Object.keys(runtime).map((name) => <File name={name}>{runtime[name]}</File>);
}
