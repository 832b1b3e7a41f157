-- Priors from the hospital's PACS (issue 20): its query/retrieve peer, and per accepted request
-- the fetch of the patient's relevant earlier studies.

-- One PACS per hospital. Its AE title is also how it calls back (the C-MOVE's C-STOREs): unique,
-- and never a scanner's (checked by the application). relevance: BODY_REGION keeps the studies of
-- the requested exam's body region (by their description), ANY keeps every study.
create table hospital_pacs (
    hospital_id  bigint primary key references hospital (id) on delete cascade,
    ae_title     text not null unique check (ae_title ~ '^[\x20-\x5B\x5D-\x7E]{1,16}$'),
    host         text not null check (length(host) between 1 and 253),
    port         integer not null check (port between 1 and 65535),
    max_priors   integer not null default 3 check (max_priors between 1 and 20),
    max_years    integer not null default 5 check (max_years between 1 and 50),
    relevance    text not null default 'BODY_REGION' check (relevance in ('BODY_REGION', 'ANY'))
);

-- The fetch of one accepted request's priors: PENDING until FETCHED (found studies, fetched ones)
-- or FAILED after its attempts, with the reason in French for the viewer.
create table prior_fetch (
    exam_id          bigint primary key references exam (id),
    hospital_id      bigint not null references hospital (id),
    state            text not null check (state in ('PENDING', 'FETCHED', 'FAILED')),
    attempts         integer not null default 0,
    found            integer,
    fetched          integer not null default 0,
    reason           text check (length(reason) <= 500),
    next_attempt_at  timestamptz not null,
    created_at       timestamptz not null,
    updated_at       timestamptz not null
);
create index prior_fetch_due on prior_fetch (next_attempt_at) where state = 'PENDING';

-- The studies chosen for an exam: study_id is set once the images came (a study without an exam of
-- its own, stored and encrypted like any other). Read by the viewer's access rule and by the purge.
create table prior_study (
    exam_id      bigint not null references exam (id),
    hospital_id  bigint not null references hospital (id),
    study_uid    text not null check (length(study_uid) between 1 and 64),
    study_date   date,
    description  text check (length(description) <= 64),
    study_id     bigint references study (id),
    primary key (exam_id, study_uid)
);
create index prior_study_uid on prior_study (hospital_id, study_uid);
create index prior_study_study on prior_study (study_id) where study_id is not null;
