/**
 * zod schemas for the management API answers the bot reads. All objects are
 * loose (unknown fields pass through) and tolerate null/missing fields; maps
 * keyed by name are normalized to lists of `{name, ...}`.
 */
export * from './schema-helpers.js';
export * from './schemas-config.js';
export * from './schemas-logs.js';
export * from './schemas-quotas.js';
