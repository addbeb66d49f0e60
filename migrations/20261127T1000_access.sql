-- Access: users, their roles and unit scopes, interactive sessions, API tokens, login throttling
-- and the audit log. Secrets are stored hashed (passwords with argon2id; session ids and API
-- tokens, which are long random strings, with SHA-256).

CREATE TABLE app_user (
  province_code text NOT NULL,
  id uuid NOT NULL,
  username text NOT NULL,
  role text NOT NULL CHECK (role IN ('province-admin', 'province-analyst', 'commune-officer', 'commune-head', 'card-clerk', 'auditor')),
  password_hash text NOT NULL,
  must_change_password boolean NOT NULL DEFAULT false,
  totp_secret text,
  totp_enabled boolean NOT NULL DEFAULT false,
  disabled_at timestamptz,
  failed_logins integer NOT NULL DEFAULT 0,
  last_failed_at timestamptz,
  locked_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (province_code, id)
);
CREATE UNIQUE INDEX app_user_name_idx ON app_user (province_code, lower(username));

-- The units a user works for, each in its era; province-wide roles have none.
CREATE TABLE user_scope (
  province_code text NOT NULL,
  user_id uuid NOT NULL,
  unit_code text NOT NULL,
  era smallint NOT NULL,
  PRIMARY KEY (province_code, user_id, unit_code, era)
);

CREATE TABLE user_session (
  province_code text NOT NULL,
  id_hash text NOT NULL,
  user_id uuid NOT NULL,
  -- 'password-change' and 'totp-setup' sessions may only finish logging in.
  stage text NOT NULL CHECK (stage IN ('full', 'password-change', 'totp-setup')),
  csrf_token text NOT NULL,
  address text,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  PRIMARY KEY (province_code, id_hash)
);
CREATE INDEX user_session_user_idx ON user_session (province_code, user_id);

CREATE TABLE api_token (
  province_code text NOT NULL,
  id uuid NOT NULL,
  user_id uuid NOT NULL,
  token_hash text NOT NULL,
  label text,
  -- Narrowing: a subset of the user's units (NULL: the user's scope) and read-only.
  units text[],
  read_only boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  last_used_at timestamptz,
  PRIMARY KEY (province_code, id)
);
CREATE UNIQUE INDEX api_token_hash_idx ON api_token (token_hash);
CREATE INDEX api_token_user_idx ON api_token (province_code, user_id);

-- Failed logins per client address (per account they are on app_user).
CREATE TABLE login_throttle (
  address text PRIMARY KEY,
  failures integer NOT NULL,
  window_start timestamptz NOT NULL,
  last_failed_at timestamptz NOT NULL
);

-- The processing log (Decree 13/2023 art. 38.2). Entries are written in the transaction of
-- the action; a sealing step then numbers them along one chain (chain_no) and hashes each
-- over the one before it. The trigger below refuses any other change, even to a superuser:
-- an entry may only receive its seal once, and only archived entries may be deleted.
CREATE TABLE audit_entry (
  province_code text NOT NULL,
  id uuid NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  actor_id uuid,
  action text NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('ok', 'denied', 'not-found', 'failed')),
  person_id uuid,
  target text,
  details jsonb NOT NULL DEFAULT '{}',
  address text,
  request_id text,
  chain_no bigint,
  hash text,
  PRIMARY KEY (province_code, id)
);
CREATE UNIQUE INDEX audit_entry_chain_idx ON audit_entry (province_code, chain_no);
CREATE INDEX audit_entry_unsealed_idx ON audit_entry (province_code, id) WHERE chain_no IS NULL;
-- Ids are UUIDv7, in time order: the primary key serves time ranges, these two the auditor's
-- questions "who looked at this person" and "what did this user do". (Each index is paid on
-- every audited request.)
CREATE INDEX audit_entry_person_idx ON audit_entry (province_code, person_id, id) WHERE person_id IS NOT NULL;
CREATE INDEX audit_entry_actor_idx ON audit_entry (province_code, actor, id);

-- Archived segments: entries up to chain_no were written to a file and removed; `hash` is the
-- last archived entry's hash, the anchor the remaining chain starts from.
CREATE TABLE audit_archive (
  province_code text NOT NULL,
  chain_no bigint NOT NULL,
  hash text NOT NULL,
  file text NOT NULL,
  entries bigint NOT NULL,
  archived_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (province_code, chain_no)
);

CREATE OR REPLACE FUNCTION audit_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF OLD.chain_no IS NULL AND NEW.chain_no IS NOT NULL AND NEW.hash IS NOT NULL
       AND (to_jsonb(NEW) - 'chain_no' - 'hash') = (to_jsonb(OLD) - 'chain_no' - 'hash') THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_entry is append-only: an entry may only be sealed once' USING ERRCODE = 'insufficient_privilege';
  ELSIF TG_OP = 'DELETE' THEN
    IF OLD.chain_no IS NOT NULL AND EXISTS (
      SELECT 1 FROM audit_archive a WHERE a.province_code = OLD.province_code AND a.chain_no >= OLD.chain_no) THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_entry is append-only: only archived entries may be removed' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RAISE EXCEPTION 'audit_entry cannot be truncated' USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
  FOR EACH ROW EXECUTE FUNCTION audit_entry_guard();
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
  FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_guard();

CREATE OR REPLACE FUNCTION audit_archive_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_archive is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_archive_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_archive
  FOR EACH STATEMENT EXECUTE FUNCTION audit_archive_guard();

-- Who started an import and the units they may write to: rows collected elsewhere are held for
-- correction. A user of commune units sees the batches they started.
ALTER TABLE import_batch ADD COLUMN created_by text;
ALTER TABLE import_batch ADD COLUMN scope text[];
