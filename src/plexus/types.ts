// The client's interface lives in src/base so the core and the commands can name it without importing the client.
export * from '../base/plexus-api.js';
