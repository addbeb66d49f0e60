-- Identity cards (căn cước): applications from reception to hand-over with every step, the
-- batches that carry many of them at once, mobile sessions with their queue and shifts, and the
-- cards a person holds (issued through coso, or recorded from before it) for the due lists.

-- A mobile session ("hết người mới hết giờ"): officers receive applications at a place on a day.
CREATE TABLE id_session (
  province_code text NOT NULL,
  id uuid NOT NULL,
  unit_code text NOT NULL,
  era smallint NOT NULL,
  place text NOT NULL,
  held_on date NOT NULL,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  note text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz,
  PRIMARY KEY (province_code, id)
);
CREATE INDEX id_session_unit_idx ON id_session (province_code, unit_code, held_on);

-- Who works a session when; a shift without an end is still running.
CREATE TABLE id_session_shift (
  province_code text NOT NULL,
  session_id uuid NOT NULL,
  seq integer NOT NULL,
  officer text NOT NULL,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz,
  PRIMARY KEY (province_code, session_id, seq),
  CHECK (ends_at IS NULL OR ends_at > starts_at)
);

-- A session's queue: a ticket per person come to apply, in arrival order.
CREATE TABLE id_session_ticket (
  province_code text NOT NULL,
  session_id uuid NOT NULL,
  ticket integer NOT NULL,
  person_id uuid,
  name text NOT NULL,
  status text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'served', 'left')),
  arrived_at timestamptz NOT NULL DEFAULT now(),
  done_at timestamptz,
  application_id uuid,
  PRIMARY KEY (province_code, session_id, ticket)
);

-- A batch: many applications sent to production, received back or handed over at once.
CREATE TABLE id_batch (
  province_code text NOT NULL,
  id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('send', 'receive', 'hand_over')),
  unit_code text,
  note text,
  applications integer NOT NULL DEFAULT 0,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (province_code, id)
);

CREATE TABLE id_application (
  province_code text NOT NULL,
  id uuid NOT NULL,
  -- The slip's number (CC02), from the sequence below: short enough to say at a counter.
  no bigint NOT NULL,
  person_id uuid NOT NULL,
  -- The personal ID number the card carries.
  personal_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('first_issue', 'renewal', 'reissue', 'change')),
  -- Why a reissue (lost, damaged) or a change (what changes).
  reason text,
  state text NOT NULL CHECK (state IN ('received', 'biometrics_captured', 'sent_for_production', 'produced', 'arrived',
    'handed_over', 'returned_for_correction', 'cancelled')),
  -- Biometrics are taken from this holder: 6 or older on the day of reception.
  biometrics boolean NOT NULL,
  -- The commune that received it, and the mobile session if not at its post.
  unit_code text NOT NULL,
  era smallint NOT NULL,
  session_id uuid,
  received_on date NOT NULL,
  received_by text NOT NULL,
  -- The file complete (deadline runs from here), the day the card is due back at the commune.
  complete_on date,
  due_on date,
  due_provisional boolean NOT NULL DEFAULT false,
  state_at timestamptz NOT NULL,
  arrived_on date,
  handed_over_on date,
  receiver text,
  version integer NOT NULL DEFAULT 1,
  PRIMARY KEY (province_code, id)
);
-- Owned by the column: it goes with the table, and a restore sets it past the numbers restored.
CREATE SEQUENCE id_application_no OWNED BY id_application.no;
CREATE UNIQUE INDEX id_application_no_idx ON id_application (province_code, no);
-- The backlog by unit and state is read from this index alone.
CREATE INDEX id_application_unit_state_idx ON id_application (province_code, unit_code, state);
CREATE INDEX id_application_person_idx ON id_application (province_code, person_id);
CREATE INDEX id_application_number_idx ON id_application (province_code, personal_id);
CREATE INDEX id_application_received_idx ON id_application (province_code, received_on, unit_code);
-- Overdue lists: open applications by the day they are due.
CREATE INDEX id_application_due_idx ON id_application (province_code, due_on, unit_code)
  WHERE state IN ('received', 'biometrics_captured', 'sent_for_production', 'produced', 'returned_for_correction');
-- One open application per person: a second one is refused until the first ends.
CREATE UNIQUE INDEX id_application_open_idx ON id_application (province_code, person_id)
  WHERE state NOT IN ('handed_over', 'cancelled');

-- Every step of an application (reception included), with who took it and when. `since` is when
-- the state it left was entered, so a stage's duration is `at - since` without a window query.
CREATE TABLE id_application_step (
  province_code text NOT NULL,
  application_id uuid NOT NULL,
  seq integer NOT NULL,
  from_state text,
  to_state text NOT NULL,
  at timestamptz NOT NULL,
  since timestamptz,
  officer text NOT NULL,
  unit_code text NOT NULL,
  reason text,
  receiver text,
  batch_id uuid,
  session_id uuid,
  PRIMARY KEY (province_code, application_id, seq)
);
CREATE INDEX id_application_step_at_idx ON id_application_step (province_code, at) INCLUDE (unit_code, from_state, to_state, since);
CREATE INDEX id_application_step_batch_idx ON id_application_step (province_code, batch_id) WHERE batch_id IS NOT NULL;
CREATE INDEX id_application_step_session_idx ON id_application_step (province_code, session_id) WHERE session_id IS NOT NULL;

-- The cards a person has held: issued through an application (on the day it was produced) or
-- recorded from before coso. The latest issued is the card in force; expires_on null: never.
CREATE TABLE id_card (
  province_code text NOT NULL,
  person_id uuid NOT NULL,
  issued_on date NOT NULL,
  expires_on date,
  personal_id text NOT NULL,
  application_id uuid,
  recorded_by text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (province_code, person_id, issued_on)
);
CREATE INDEX id_card_expires_idx ON id_card (province_code, expires_on) WHERE expires_on IS NOT NULL;
