// The error family lives in src/base, below both the core and the Plexus client.
export * from '../base/errors.js';
