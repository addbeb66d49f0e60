-- Due lists for identity cards go door to door, hamlet by hamlet. Each household keeps the hamlet
-- its address names and a key that sorts hamlets by name, then number (khu 2 before khu 10), so a
-- list of the whole province sorts on stored values: reading 400,000 addresses with regular
-- expressions at every request took longer than the whole list may (bench:id-due).
--
-- The hamlet: the last comma-separated part of the address that starts with thôn, khu, khu phố,
-- bản, xóm, ấp or làng and a name, else the last that starts with tổ or tổ dân phố; spaces
-- collapsed. The patterns are src/identity/due.ts's HAMLET_PATTERNS (a unit test keeps them the
-- same); letters in either case are spelled out, since the database's locale may not fold them.
CREATE FUNCTION address_hamlet(address text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
  SELECT NULLIF(regexp_replace(btrim(COALESCE(
           substring(address from '^(?:.*,)?\s*((?:[kK][hH][uU]\s+[pP][hH][ốỐ]|[tT][hH][ôÔ][nN]|[kK][hH][uU]|[bB][ảẢ][nN]|[xX][óÓ][mM]|[ấẤ][pP]|[lL][àÀ][nN][gG])\s+[^,\s][^,]*)'),
           substring(address from '^(?:.*,)?\s*((?:[tT][ổỔ]\s+[dD][âÂ][nN]\s+[pP][hH][ốỐ]|[tT][ổỔ])\s+[^,\s][^,]*)'))),
         '\s+', ' ', 'g'), '')
$$;

-- The hamlet folded (Vietnamese letters to their base letter, lower case) with its first number
-- zero-padded to nine digits: compared byte-wise, "khu 000000002" comes before "khu 000000010".
CREATE FUNCTION hamlet_sort_key(hamlet text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT m[1] || COALESCE(lpad(m[2], 9, '0'), '') || m[3]
    FROM regexp_match(lower(translate(hamlet,
           'àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ',
           'aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyydaaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd')),
         '^([^0-9]*)([0-9]{1,9})?(.*)$') AS m
$$;

ALTER TABLE household ADD COLUMN hamlet text GENERATED ALWAYS AS (address_hamlet(address)) STORED;
ALTER TABLE household ADD COLUMN hamlet_key text COLLATE "C" GENERATED ALWAYS AS (hamlet_sort_key(address_hamlet(address))) STORED;

-- The renewal list asks for persons born in a few stretches of days (those reaching 14, 25, 40 or
-- 60 in the next months): ranges of this index instead of reading every person. The columns a list
-- shows ride along, so lists over a whole province read the index (about a fifth of the table)
-- rather than the person rows.
CREATE INDEX person_birth_idx ON person (province_code, birth_year, birth_month, birth_day)
  INCLUDE (id, died_on, name_sort, name_display, sex, personal_id);
