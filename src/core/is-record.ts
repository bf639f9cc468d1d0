export { isRecord } from '../base/is-record.js';
