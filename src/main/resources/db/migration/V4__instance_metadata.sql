-- The DICOM JSON of each instance, written once at intake, so that WADO-RS metadata is answered
-- from the index without decrypting and parsing every object again. The patient's identifying
-- attributes are left out (they are sealed in patient); rows indexed before this migration are
-- filled the first time their series is asked for.
alter table instance add column metadata text;
