-- Mobile sessions worked "until the last person is served" (hết người mới hết giờ): who closed a
-- session and why (a session closed with people still waiting needs a reason), the ticket called to
-- a desk and by whom (the wait is arrival to call), who served it or marked it left; an officer's
-- shifts found by officer (two shifts of one officer may not overlap, in any session); the
-- applications of a session (its throughput and its list).
ALTER TABLE id_session ADD COLUMN closed_by text, ADD COLUMN close_reason text;
ALTER TABLE id_session_ticket ADD COLUMN called_at timestamptz, ADD COLUMN called_by text, ADD COLUMN done_by text;
CREATE INDEX id_session_shift_officer_idx ON id_session_shift (province_code, officer, starts_at);
CREATE INDEX id_application_session_idx ON id_application (province_code, session_id) WHERE session_id IS NOT NULL;
