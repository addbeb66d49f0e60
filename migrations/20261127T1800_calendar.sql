-- The working-day calendar of the civil service: days off (holidays, compensatory days off) and
-- Saturdays worked in exchange. Reference data like geo's units (a plain table, the same for
-- every province): seeded from seed/reference/vn-holidays.csv, then edited by an administrator
-- as each year's Tết days and swaps are announced. A day the administrator set or removed
-- (`set_by_admin`) outlives a reload of the seed; `removed` keeps a removal of a seeded day
-- from coming back with the next reload.
CREATE TABLE calendar_day (
  day date PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('holiday', 'makeup_workday', 'compensatory_day_off')),
  name text NOT NULL,
  source text NOT NULL,
  set_by_admin boolean NOT NULL DEFAULT false,
  removed boolean NOT NULL DEFAULT false,
  changed_by text NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now(),
  CHECK (set_by_admin OR NOT removed)
);
