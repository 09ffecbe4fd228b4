// The protocol's own files: types, validators, server stub, client binding, reference docs.
import { File } from '@asyncapi/generator-react-sdk';
import { renderWithParley } from '../../render-with-parley';

export default function ({ originalAsyncAPI }) {
  const { protocol } = renderWithParley(originalAsyncAPI, __dirname);
  return Object.keys(protocol).map((name) => <File name={name}>{protocol[name]}</File>);
}
