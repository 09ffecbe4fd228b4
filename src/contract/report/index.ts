/** The reports of a contract run, each a pure function of a {@link RunReport}. */
export type { RunReport } from '../results.js';
export { formatSummary, type SummaryOptions } from './summary.js';
export { formatJunit } from './junit.js';
export { formatCtrf, CTRF_SPEC_VERSION, type CtrfOptions } from './ctrf.js';
export { formatJson } from './json.js';
