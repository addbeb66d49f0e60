-- Deduplication: runs, the pairs they found worth a look, officers' decisions, and merges that
-- can be undone. Pairs and decisions name persons by their origin forms too: a form never
-- changes identity, while a person absorbed by a merge is gone until the merge is undone.

CREATE TABLE dedup_run (
  province_code text NOT NULL,
  id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  created_by text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  -- λ, m and u per field and level, the thresholds: what the run's probabilities mean.
  model jsonb,
  -- Blocking per rule, pairs scored, links, review, merges, seconds per stage.
  counts jsonb,
  error text,
  PRIMARY KEY (province_code, id)
);

-- Pairs above the auto-distinct threshold (person_a < person_b), with their evidence.
CREATE TABLE match_pair (
  province_code text NOT NULL,
  person_a uuid NOT NULL,
  person_b uuid NOT NULL,
  form_a uuid NOT NULL,
  form_b uuid NOT NULL,
  -- The run that found the pair; null for one found as a form arrived (POST /api/forms).
  run_id uuid,
  probability double precision NOT NULL,
  -- One level index per compared field (dedup FIELDS order; -1 unknown) and its weight in bits.
  levels smallint[] NOT NULL,
  weights real[] NOT NULL,
  conflict text CHECK (conflict IN ('id', 'sex', 'birth', 'cannot-link')),
  decision text NOT NULL CHECK (decision IN ('link', 'review')),
  PRIMARY KEY (province_code, person_a, person_b)
);
-- The review queue, most uncertain first.
CREATE INDEX match_pair_review_idx ON match_pair (province_code, abs(probability - 0.5)) WHERE decision = 'review';

-- What officers said of two forms' persons. "not_same" is a cannot-link for every later run.
CREATE TABLE match_decision (
  province_code text NOT NULL,
  id uuid NOT NULL,
  form_a uuid NOT NULL,
  form_b uuid NOT NULL,
  decision text NOT NULL CHECK (decision IN ('same', 'not_same', 'unsure')),
  decided_by text NOT NULL,
  decided_at timestamptz NOT NULL DEFAULT now(),
  note text,
  PRIMARY KEY (province_code, id)
);
CREATE INDEX match_decision_forms_idx ON match_decision (province_code, form_a, form_b);

-- A merge: the survivor, the persons it absorbed, and every row it changed as it was before, so
-- that undoing it restores the register exactly. One a commune officer asks for waits for a
-- commune head (four eyes), and so does its undoing; automatic links apply at once.
CREATE TABLE person_merge (
  province_code text NOT NULL,
  id uuid NOT NULL,
  survivor_id uuid NOT NULL,
  absorbed_ids uuid[] NOT NULL,
  origin text NOT NULL CHECK (origin IN ('auto', 'officer')),
  run_id uuid,
  state text NOT NULL CHECK (state IN ('pending', 'applied', 'rejected', 'undo_pending', 'undone')),
  snapshot jsonb,
  requested_by text NOT NULL,
  requested_at timestamptz NOT NULL DEFAULT now(),
  approved_by text,
  applied_at timestamptz,
  undo_requested_by text,
  undo_requested_at timestamptz,
  undone_by text,
  undone_at timestamptz,
  PRIMARY KEY (province_code, id),
  CHECK (state = 'pending' OR state = 'rejected' OR snapshot IS NOT NULL)
);
CREATE INDEX person_merge_survivor_idx ON person_merge (province_code, survivor_id);
CREATE INDEX person_merge_waiting_idx ON person_merge (province_code, requested_at) WHERE state IN ('pending', 'undo_pending');

-- A merge moves every ID number a person holds (one of their own, others from persons merged
-- into them earlier).
CREATE INDEX person_identifier_person_idx ON person_identifier (person_id);
