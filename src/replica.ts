import { hostname } from 'node:os';

/** The name a replica goes by when REPLICA_ID is unset. */
export const defaultReplicaId = (): string => `${hostname()}:${process.pid}`;
