-- The identity dashboard's two reads that id_application's indexes did not cover, index-only:
-- the share within the deadline counts the applications whose card arrived at the commune in a
-- period (by arrived_on, against due_on), and the provisional count the few applications still
-- owed a card whose deadline was counted on an estimated calendar (see identity/dashboard-queries.ts).
CREATE INDEX id_application_arrived_idx ON id_application (province_code, arrived_on, unit_code) INCLUDE (due_on)
  WHERE arrived_on IS NOT NULL;
CREATE INDEX id_application_provisional_idx ON id_application (province_code, unit_code)
  WHERE due_provisional AND state IN ('received', 'biometrics_captured', 'sent_for_production', 'produced', 'returned_for_correction');
