-- Up Migration
-- Times are milliseconds since the epoch, always passed in by the bot (its clock, not the database's).

CREATE TABLE state_records (
  key text COLLATE "C" PRIMARY KEY,
  value jsonb NOT NULL,
  version bigint NOT NULL,
  expires_at bigint
);
CREATE INDEX state_records_expiry ON state_records (expires_at) WHERE expires_at IS NOT NULL;

-- A lease while until is set; completed (permanent, with its result) once until is null.
CREATE TABLE state_claims (
  key text COLLATE "C" PRIMARY KEY,
  owner text NOT NULL,
  token text NOT NULL,
  at bigint NOT NULL,
  until bigint,
  result jsonb
);

-- The row stays after a resignation (owner null) so the term keeps growing.
CREATE TABLE state_leases (
  name text PRIMARY KEY,
  owner text,
  term bigint NOT NULL,
  until bigint NOT NULL
);

CREATE TABLE state_log (
  seq bigserial PRIMARY KEY,
  stream text NOT NULL,
  at bigint NOT NULL,
  fields jsonb NOT NULL,
  data jsonb
);
CREATE INDEX state_log_stream_at ON state_log (stream, at DESC, seq DESC);
CREATE INDEX state_log_fields ON state_log USING gin (fields jsonb_path_ops);

CREATE TABLE state_jobs (
  id text PRIMARY KEY,
  kind text NOT NULL,
  run_at bigint NOT NULL,
  payload jsonb NOT NULL,
  state text NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed', 'cancelled')),
  attempts integer NOT NULL DEFAULT 0,
  owner text,
  token text,
  lease_until bigint,
  error text,
  updated_at bigint NOT NULL
);
CREATE INDEX state_jobs_waiting ON state_jobs (run_at) WHERE state IN ('pending', 'running');
CREATE INDEX state_jobs_settled ON state_jobs (updated_at) WHERE state IN ('done', 'failed', 'cancelled');

-- Down Migration
DROP TABLE state_jobs;
DROP TABLE state_log;
DROP TABLE state_leases;
DROP TABLE state_claims;
DROP TABLE state_records;
