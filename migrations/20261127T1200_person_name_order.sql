-- Lists of people sort the Vietnamese way: by given name, then middle and family name, in the
-- Vietnamese alphabet (a ă â b c d đ e ê …), tones breaking ties (a à ả ã á ạ), as ICU's "vi"
-- collation does. Neither PGlite nor every server has ICU, so the key is built with translate():
-- each letter becomes one ASCII character in alphabet order, then the tones as digits, compared
-- byte-wise (COLLATE "C"). A stored generated column keeps it true on every write path.

CREATE FUNCTION vi_name_sort(name text) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
  SELECT translate(o, 'aAàÀảẢãÃáÁạẠăĂằẰẳẲẵẴắẮặẶâÂầẦẩẨẫẪấẤậẬbBcCdDđĐeEèÈẻẺẽẼéÉẹẸêÊềỀểỂễỄếẾệỆfFgGhHiIìÌỉỈĩĨíÍịỊjJkKlLmMnNoOòÒỏỎõÕóÓọỌôÔồỒổỔỗỖốỐộỘơƠờỜởỞỡỠớỚợỢpPqQrRsStTuUùÙủỦũŨúÚụỤưƯừỪửỬữỮứỨựỰvVwWxXyYỳỲỷỶỹỸýÝỵỴzZ', 'AAAAAAAAAAAABBBBBBBBBBBBCCCCCCCCCCCCDDEEFFGGHHHHHHHHHHHHIIIIIIIIIIIIJJKKLLMMMMMMMMMMMMNNOOPPQQRRSSSSSSSSSSSSTTTTTTTTTTTTUUUUUUUUUUUUVVWWXXYYZZaaaaaaaaaaaabbbbbbbbbbbbccddeeffffffffffffgg')
         || E'\x01'
         || regexp_replace(translate(o, 'àÀảẢãÃáÁạẠằẰẳẲẵẴắẮặẶầẦẩẨẫẪấẤậẬèÈẻẺẽẼéÉẹẸềỀểỂễỄếẾệỆìÌỉỈĩĨíÍịỊòÒỏỎõÕóÓọỌồỒổỔỗỖốỐộỘờỜởỞỡỠớỚợỢùÙủỦũŨúÚụỤừỪửỬữỮứỨựỰỳỲỷỶỹỸýÝỵỴ', '112233445511223344551122334455112233445511223344551122334455112233445511223344551122334455112233445511223344551122334455'), '[^1-5]', '0', 'g')
    FROM (SELECT w[cardinality(w)] || ' ' || array_to_string(w[2:cardinality(w) - 1], ' ') || ' '
                 || CASE WHEN cardinality(w) > 1 THEN w[1] ELSE '' END AS o
            FROM regexp_split_to_array(btrim(name), '\s+') AS w) AS parts
$$;

ALTER TABLE person ADD COLUMN name_sort text COLLATE "C" GENERATED ALWAYS AS (vi_name_sort(name_display)) STORED;

-- Search pages in this order: by given name alone through the first index (the family and
-- folded names, birth year and unit filter inside it), by full name through the second (a range
-- in list order); a list without a name (a unit, a birth year) through person_name_idx.
DROP INDEX person_given_idx;
CREATE INDEX person_given_idx ON person (province_code, given_fold, name_sort, id) INCLUDE (family_fold, name_fold, birth_year, unit_code, unit_era);
CREATE INDEX person_full_name_idx ON person (province_code, given_fold, family_fold, name_sort, id) INCLUDE (name_fold, birth_year, unit_code, unit_era);
DROP INDEX person_name_idx;
CREATE INDEX person_name_idx ON person (province_code, name_sort, id);
