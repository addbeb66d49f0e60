-- The living register: life events, an append-only log; the stays they derive (where each
-- person lives, from when to when); and the placement of households of the twelve communes the
-- 2025 reorganisation split, which an officer decides.

CREATE TABLE event (
  province_code text NOT NULL,
  id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('birth', 'death', 'move', 'temporary_residence', 'temporary_absence', 'marriage', 'divorce',
    'household_split', 'household_merge', 'head_change', 'name_change', 'correction', 'confirmation', 'revocation')),
  -- The person it is about; household events name the household, and list the persons they move.
  person_id uuid,
  household_id uuid,
  effective_on date NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  officer text NOT NULL,
  document text,
  details jsonb NOT NULL DEFAULT '{}',
  -- The events import that brought it, for its report.
  batch_id uuid,
  PRIMARY KEY (province_code, id)
);
CREATE INDEX event_person_idx ON event (province_code, person_id) WHERE person_id IS NOT NULL;
CREATE INDEX event_household_idx ON event (province_code, household_id) WHERE household_id IS NOT NULL;

-- Where a person lives during [valid_from, valid_to): derived from the forms' record (event_id
-- null) and the events; a person's stays never overlap, so a population counts each person once.
-- A temporary stay is the place of a temporary residence; household_id stays the household the
-- person belongs to.
CREATE TABLE stay (
  province_code text NOT NULL,
  person_id uuid NOT NULL,
  seq smallint NOT NULL,
  valid_from date NOT NULL,
  valid_to date NOT NULL,
  kind text NOT NULL CHECK (kind IN ('permanent', 'temporary')),
  unit_code text NOT NULL,
  era smallint NOT NULL,
  household_id uuid,
  relation_to_head text,
  detail text,
  event_id uuid,
  PRIMARY KEY (province_code, person_id, seq),
  CHECK (valid_from < valid_to)
);
CREATE INDEX stay_household_idx ON stay (province_code, household_id) WHERE household_id IS NOT NULL;

-- The unit of today a household (or a person without one) of a split commune went to.
CREATE TABLE split_placement (
  province_code text NOT NULL,
  subject_id uuid NOT NULL,
  old_code text NOT NULL,
  unit_code text NOT NULL,
  placed_by text NOT NULL,
  placed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (province_code, subject_id, old_code)
);

-- A person born into the register through an event has no form; one of the two says where the
-- person came from. died_on and confirmed_on follow the events (confirmed: the last day an
-- officer collected, confirmed or updated the record).
ALTER TABLE person ALTER COLUMN origin_form_id DROP NOT NULL;
ALTER TABLE person ADD COLUMN origin_event_id uuid;
ALTER TABLE person ADD CONSTRAINT person_origin_check CHECK (origin_form_id IS NOT NULL OR origin_event_id IS NOT NULL);
ALTER TABLE person ADD COLUMN died_on date;
ALTER TABLE person ADD COLUMN confirmed_on date;

COMMENT ON COLUMN relationship.form_id IS 'the form, or for a birth entered as an event the event, that recorded it';

-- The register so far: each person's stay from birth (the earliest day the recorded precision
-- allows) where the forms say they live, in the household a form put them in.
WITH first_household AS (
  SELECT DISTINCT ON (m.person_id) m.person_id, m.household_id, m.relation_to_head
    FROM household_member m ORDER BY m.person_id, m.form_id, m.household_id
)
INSERT INTO stay (province_code, person_id, seq, valid_from, valid_to, kind, unit_code, era, household_id, relation_to_head, detail)
SELECT p.province_code, p.id, 0,
       CASE WHEN p.birth_year IS NULL THEN '-infinity'::date
            ELSE make_date(p.birth_year, COALESCE(p.birth_month, 1), COALESCE(p.birth_day, 1)) END,
       'infinity', 'permanent', p.unit_code, p.unit_era, h.household_id, h.relation_to_head,
       (SELECT r.detail FROM residence r WHERE r.province_code = p.province_code AND r.person_id = p.id
         ORDER BY r.kind = 'current' DESC, r.id LIMIT 1)
  FROM person p LEFT JOIN first_household h ON h.person_id = p.id
 WHERE p.unit_code IS NOT NULL AND p.unit_era IS NOT NULL;

-- Accepted forms carry a valid collection day, as dd/mm/yyyy or yyyy-mm-dd.
UPDATE person p SET confirmed_on = x.on_day
  FROM (SELECT f.province_code, f.id,
               COALESCE(
                 (SELECT make_date(m[3]::int, m[2]::int, m[1]::int)
                    FROM regexp_match(btrim(f.raw->>'collected_on'), '^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$') AS m),
                 (SELECT make_date(m[1]::int, m[2]::int, m[3]::int)
                    FROM regexp_match(btrim(f.raw->>'collected_on'), '^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$') AS m)) AS on_day
          FROM form f WHERE f.state IN ('accepted', 'accepted_with_warnings')) x
 WHERE x.province_code = p.province_code AND x.id = p.origin_form_id;
