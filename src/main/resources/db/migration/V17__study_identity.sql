-- Each study keeps the patient identity its images arrived with (issue 18): the patient row stays
-- the (hospital, patient ID) namespace, but a second study under the same ID may name someone else,
-- and what is shown for a study, or compared with its request, is its own header. Sealed with the
-- patient table's purposes, so the existing values are copied as they are.
alter table study
    add column patient_name_sealed       bytea,
    add column patient_birth_date_sealed bytea,
    add column patient_sex               text check (patient_sex in ('M', 'F', 'O')),
    -- A keyed fingerprint (HMAC with the master key) of the normalised name, birth date and sex:
    -- priors are the same patient ID with the same fingerprint, compared inside the access rule's
    -- query without opening a name. Null for studies indexed before this migration.
    add column identity_key              text;

update study s
   set patient_name_sealed = p.name_sealed,
       patient_birth_date_sealed = p.birth_date_sealed,
       patient_sex = p.sex
  from patient p
 where p.id = s.patient_id;
