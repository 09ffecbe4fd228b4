/**
 * The one ajv configuration Parley validates payloads with: at run time in tests and the spec
 * checks, and at generation time for the standalone validators, so both agree to the letter.
 */
import { Ajv, _, str, type KeywordCxt, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under ESM its function sits on `default`.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

/**
 * Keywords that describe rather than constrain; ajv must know them to stay strict. `components`
 * is there because a spec's schemas are added under their spec path (`spec#/components/schemas/X`),
 * so that their own `$ref`s resolve unchanged.
 */
const ANNOTATIONS = ['x-parley-entity', 'x-socketio', 'example', 'x-parser-schema-id', 'components'];

/**
 * An ajv instance that knows the spec vocabulary: `x-socketio-binary` (bytes within a size) and
 * the annotation keywords. `allErrors` is off: the first problem is the one reported, which keeps
 * error messages short and validation fast.
 */
export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ strict: true, strictRequired: false, strictTypes: false, allowUnionTypes: true, ...options });
  addFormats(ajv);
  ajv.addVocabulary(ANNOTATIONS);
  ajv.addKeyword({
    keyword: 'x-socketio-binary',
    schemaType: 'object',
    // Two failures, told apart by `params.tooLarge`: bytes over the limit are payloadTooLarge (413),
    // anything that is not bytes at all is an invalid payload (400), as CONVENTIONS.md §5 says.
    error: {
      message: (cxt) => (cxt.params?.tooLarge ? str`must be at most ${(cxt.schema as { maxBytes: number }).maxBytes} bytes` : str`must be binary data`),
      params: (cxt) => (cxt.params?.tooLarge ? _`{tooLarge: true}` : _`{}`),
    },
    code(cxt: KeywordCxt) {
      const { data } = cxt;
      const max = (cxt.schema as { maxBytes: number }).maxBytes;
      // Buffer is a Uint8Array; browsers send ArrayBuffer, typed arrays or Blob.
      const bytes = _`(${data} instanceof Uint8Array || ${data} instanceof ArrayBuffer || ArrayBuffer.isView(${data}))`;
      const blob = _`(typeof Blob !== "undefined" && ${data} instanceof Blob)`;
      cxt.fail(_`!${bytes} && !${blob}`);
      cxt.setParams({ tooLarge: _`true` });
      cxt.fail(_`(${bytes} ? ${data}.byteLength : ${data}.size) > ${max}`);
    },
  });
  return ajv;
}
