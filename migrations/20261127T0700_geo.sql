-- Administrative units across eras, their successions, and the hamlets admins create.
-- Reference lists are plain tables (Citus reference tables later); hamlets are tenant data,
-- keyed by province first.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;

CREATE TABLE reference_data (
  name text PRIMARY KEY,
  checksum text NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now()
);

-- One row per unit and period of validity: a code means a different unit in each era.
CREATE TABLE geo_unit (
  code text NOT NULL,
  valid_from date NOT NULL DEFAULT '-infinity',
  valid_to date NOT NULL DEFAULT 'infinity',
  era smallint NOT NULL CHECK (era IN (2024, 2025)),
  level text NOT NULL CHECK (level IN ('province', 'district', 'commune')),
  type text NOT NULL,
  name text NOT NULL,
  short_name text NOT NULL,
  parent_code text,
  province_code text NOT NULL,
  fold_key text NOT NULL,
  short_fold_key text NOT NULL,
  source text NOT NULL,
  PRIMARY KEY (code, valid_from),
  CHECK (valid_from < valid_to)
);
CREATE INDEX geo_unit_parent_idx ON geo_unit (parent_code, valid_from);
CREATE INDEX geo_unit_short_fold_idx ON geo_unit (short_fold_key);

-- Unit A (at A's period) continued as unit B, whole or in part.
CREATE TABLE geo_succession (
  from_code text NOT NULL,
  from_valid_from date NOT NULL,
  to_code text NOT NULL,
  to_valid_from date NOT NULL,
  portion text NOT NULL CHECK (portion IN ('whole', 'part')),
  source text NOT NULL,
  set_by_admin boolean NOT NULL DEFAULT false,
  PRIMARY KEY (from_code, from_valid_from, to_code, to_valid_from),
  FOREIGN KEY (from_code, from_valid_from) REFERENCES geo_unit (code, valid_from),
  FOREIGN KEY (to_code, to_valid_from) REFERENCES geo_unit (code, valid_from)
);
CREATE INDEX geo_succession_to_idx ON geo_succession (to_code, to_valid_from);

CREATE TABLE hamlet (
  province_code text NOT NULL,
  id uuid NOT NULL,
  unit_code text NOT NULL,
  unit_valid_from date NOT NULL,
  name text NOT NULL,
  kind text NOT NULL,
  exact_key text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (province_code, id),
  UNIQUE (province_code, unit_code, unit_valid_from, exact_key),
  FOREIGN KEY (unit_code, unit_valid_from) REFERENCES geo_unit (code, valid_from)
);
