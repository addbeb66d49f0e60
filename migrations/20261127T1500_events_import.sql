-- Events imports (`coso events import`, docs/formats/events-csv.md): each run with its counts,
-- and every row it recorded, by a hash of the row as read, so the same row imported again (the
-- same file, or a correction file that still holds it) is a duplicate and records nothing.

CREATE TABLE event_import (
  province_code text NOT NULL,
  id uuid NOT NULL,
  -- The file's name, without its directory.
  source text NOT NULL,
  file_sha256 text NOT NULL,
  file_size bigint NOT NULL,
  encoding text,
  status text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  rows_done integer NOT NULL DEFAULT 0,
  outcomes jsonb NOT NULL DEFAULT '{}',
  rules jsonb NOT NULL DEFAULT '{}',
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (province_code, id)
);

-- Written in the transaction that records the row's event.
CREATE TABLE event_import_row (
  province_code text NOT NULL,
  row_hash text NOT NULL,
  batch_id uuid NOT NULL,
  row_no integer NOT NULL,
  event_id uuid NOT NULL,
  PRIMARY KEY (province_code, row_hash)
);
CREATE INDEX event_import_row_batch_idx ON event_import_row (province_code, batch_id);
