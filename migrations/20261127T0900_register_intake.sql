-- The population register (persons, households, residences, relationships) and DC01 intake
-- (import batches, forms, findings). Tenant tables lead their keys with province_code; the
-- personal ID number has its own lookup table (distributed by the number itself under Citus).
-- Indexes are the ones a route or the importer uses: each one more is paid on every form
-- imported (undo by batch and per-unit aggregates scan instead).

CREATE TABLE import_batch (
  province_code text NOT NULL,
  id uuid NOT NULL,
  source text NOT NULL,
  file_sha256 text NOT NULL,
  file_size bigint NOT NULL,
  format text NOT NULL CHECK (format IN ('csv', 'xlsx', 'jsonl', 'api')),
  encoding text,
  -- An uploaded file waiting for (or in) its import; removed once imported.
  upload_path text,
  status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'withdrawn')),
  rows_done integer NOT NULL DEFAULT 0,
  bytes_done bigint NOT NULL DEFAULT 0,
  outcomes jsonb NOT NULL DEFAULT '{}',
  rules jsonb NOT NULL DEFAULT '{}',
  error jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  PRIMARY KEY (province_code, id)
);
CREATE INDEX import_batch_file_idx ON import_batch (province_code, file_sha256, status);

CREATE TABLE form (
  province_code text NOT NULL,
  id uuid NOT NULL,
  batch_id uuid,
  row_no integer,
  collecting_unit text NOT NULL,
  era smallint,
  form_no text NOT NULL,
  content_hash text NOT NULL,
  state text NOT NULL CHECK (state IN ('accepted', 'accepted_with_warnings', 'needs_correction', 'conflict', 'superseded', 'withdrawn')),
  raw jsonb NOT NULL,
  completeness smallint NOT NULL,
  missing text[] NOT NULL DEFAULT '{}',
  person_id uuid,
  supersedes uuid,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (province_code, id)
);
-- One current form per identity: accepted, or held for correction. Conflicts sit beside it.
CREATE UNIQUE INDEX form_identity_idx ON form (province_code, collecting_unit, era, form_no)
  WHERE state IN ('accepted', 'accepted_with_warnings', 'needs_correction') AND era IS NOT NULL AND form_no <> '';
CREATE INDEX form_hash_idx ON form (province_code, content_hash);
CREATE INDEX form_batch_idx ON form (province_code, batch_id, row_no);
CREATE INDEX form_person_idx ON form (province_code, person_id) WHERE person_id IS NOT NULL;

CREATE TABLE form_finding (
  province_code text NOT NULL,
  form_id uuid NOT NULL,
  seq smallint NOT NULL,
  rule text NOT NULL,
  severity text NOT NULL CHECK (severity IN ('error', 'warning')),
  field text,
  details jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  PRIMARY KEY (province_code, form_id, seq)
);
CREATE INDEX form_finding_rule_idx ON form_finding (province_code, rule, status);

CREATE TABLE person (
  province_code text NOT NULL,
  id uuid NOT NULL,
  full_name text NOT NULL,
  name_display text NOT NULL,
  family_fold text COLLATE "C" NOT NULL,
  given_fold text COLLATE "C" NOT NULL,
  name_fold text COLLATE "C" NOT NULL,
  other_name text,
  birth_year smallint,
  birth_month smallint,
  birth_day smallint,
  birth_precision text CHECK (birth_precision IN ('day', 'month', 'year')),
  sex text CHECK (sex IN ('M', 'F')),
  personal_id text,
  old_id text,
  ethnicity_code text,
  ethnicity_code_set text,
  ethnicity_text text,
  religion text,
  nationality text,
  blood_group text,
  marital_status text,
  occupation text,
  phone text,
  email text,
  birth_reg_place text,
  hometown text,
  -- Where the person lives as last recorded (current residence, else permanent), for search by unit.
  unit_code text,
  unit_era smallint,
  origin_form_id uuid NOT NULL,
  -- Which form gave a value, where it is not the origin form: {"phone": "<form id>"}.
  provenance jsonb NOT NULL DEFAULT '{}',
  batch_id uuid,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (province_code, id),
  CHECK (birth_precision IS NULL OR birth_year IS NOT NULL)
);
-- Name search: given name (and family name) fixed, then in name order (a folded name starts
-- with its family name, so family then name is name order); birth year and unit read from the index.
CREATE INDEX person_given_idx ON person (province_code, given_fold, family_fold, name_fold, id) INCLUDE (birth_year, unit_code, unit_era);
CREATE INDEX person_name_idx ON person (province_code, name_fold, id);
CREATE INDEX person_phone_idx ON person (province_code, phone) WHERE phone IS NOT NULL;

CREATE TABLE person_identifier (
  national_id text PRIMARY KEY,
  province_code text NOT NULL,
  person_id uuid NOT NULL
);

CREATE TABLE household (
  province_code text NOT NULL,
  id uuid NOT NULL,
  unit_code text NOT NULL,
  era smallint NOT NULL,
  household_no text NOT NULL,
  head_person_id uuid,
  head_name text,
  head_national_id text,
  address text,
  batch_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (province_code, id),
  UNIQUE (province_code, unit_code, era, household_no)
);

CREATE TABLE household_member (
  province_code text NOT NULL,
  household_id uuid NOT NULL,
  person_id uuid NOT NULL,
  relation_to_head text,
  form_id uuid NOT NULL,
  PRIMARY KEY (province_code, household_id, person_id)
);
CREATE INDEX household_member_person_idx ON household_member (province_code, person_id);

CREATE TABLE residence (
  province_code text NOT NULL,
  id uuid NOT NULL,
  person_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('permanent', 'temporary', 'current')),
  unit_code text NOT NULL,
  era smallint NOT NULL,
  detail text,
  valid_from date,
  valid_to date,
  form_id uuid NOT NULL,
  PRIMARY KEY (province_code, id)
);
CREATE INDEX residence_person_idx ON residence (province_code, person_id);
-- Person search by unit.
CREATE INDEX residence_unit_idx ON residence (province_code, unit_code, era, person_id);

-- Parents and spouse as the form names them; the related person is whoever holds the number.
CREATE TABLE relationship (
  province_code text NOT NULL,
  person_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('father', 'mother', 'spouse')),
  form_id uuid NOT NULL,
  related_name text,
  related_national_id text,
  PRIMARY KEY (province_code, person_id, kind, form_id)
);

-- Forms that attached to a person by ID number while name, sex or birth date disagree.
CREATE TABLE review_item (
  province_code text NOT NULL,
  id uuid NOT NULL,
  kind text NOT NULL,
  person_id uuid,
  form_id uuid NOT NULL,
  details jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (province_code, id)
);
CREATE INDEX review_item_open_idx ON review_item (province_code, kind, status);
