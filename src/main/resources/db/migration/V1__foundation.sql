-- Reference data, accounts, and the DICOM index of received studies.

create table reading_center (
    id          bigserial primary key,
    name        text not null unique check (length(trim(name)) > 0),
    seats       integer not null default 7 check (seats between 1 and 100),
    created_at  timestamptz not null
);

create table hospital (
    id              bigserial primary key,
    name            text not null unique check (length(trim(name)) > 0),
    -- FINESS: 9 characters, the department first (2A / 2B for Corsica).
    finess          text not null unique check (finess ~ '^[0-9][0-9AB][0-9]{7}$'),
    time_zone       text not null,
    retention_days  integer not null default 90 check (retention_days between 1 and 3650),
    created_at      timestamptz not null
);

-- The calling AE title identifies the hospital on the DICOM door.
create table hospital_ae_title (
    ae_title     text primary key check (ae_title ~ '^[ -\[\]-~]{1,16}$' and ae_title = trim(ae_title) and ae_title <> ''),
    hospital_id  bigint not null references hospital (id) on delete cascade
);
create index hospital_ae_title_hospital on hospital_ae_title (hospital_id);

create table exam_type (
    code             text primary key check (code ~ '^[A-Z0-9_]{2,32}$'),
    label_fr         text not null check (length(trim(label_fr)) > 0),
    body_region      text not null,
    contrast         boolean not null,
    ccam_code        text not null check (ccam_code ~ '^[A-Z]{4}[0-9]{3}$'),
    reading_minutes  integer not null check (reading_minutes between 1 and 240)
);

create table app_user (
    id             bigserial primary key,
    username       text not null unique check (username ~ '^[a-z0-9._-]{2,64}$'),
    password_hash  text not null,
    role           text not null check (role in ('ADMIN', 'COORDINATOR', 'RADIOLOGIST',
                                                 'HOSPITAL_PHYSICIAN', 'HOSPITAL_TECHNOLOGIST', 'BILLING')),
    display_name   text not null,
    hospital_id    bigint references hospital (id),
    enabled        boolean not null default true,
    created_at     timestamptz not null,
    check ((role in ('HOSPITAL_PHYSICIAN', 'HOSPITAL_TECHNOLOGIST')) = (hospital_id is not null))
);

-- Patients are namespaced by hospital: two hospitals may give one ID to two people.
-- Names and birth dates are sealed with the master key before they reach the database.
create table patient (
    id                 bigserial primary key,
    hospital_id        bigint not null references hospital (id),
    patient_key        text not null,
    name_sealed        bytea,
    birth_date_sealed  bytea,
    sex                text check (sex in ('M', 'F', 'O')),
    created_at         timestamptz not null,
    unique (hospital_id, patient_key)
);

create table study (
    id                 bigserial primary key,
    hospital_id        bigint not null references hospital (id),
    patient_id         bigint not null references patient (id),
    study_uid          text not null,
    accession_number   text,
    study_date         date,
    description        text,
    first_received_at  timestamptz not null,
    last_received_at   timestamptz not null,
    instance_count     integer not null default 0,
    unique (hospital_id, study_uid)
);
create index study_accession on study (hospital_id, accession_number);

create table series (
    id             bigserial primary key,
    study_id       bigint not null references study (id),
    series_uid     text not null,
    modality       text,
    series_number  integer,
    description    text,
    unique (study_id, series_uid)
);

create table instance (
    id                bigserial primary key,
    series_id         bigint not null references series (id),
    sop_instance_uid  text not null,
    sop_class_uid     text not null,
    transfer_syntax   text not null,
    instance_number   integer,
    object_key        text not null unique,
    size_bytes        bigint not null,
    received_at       timestamptz not null,
    calling_ae        text not null,
    unique (series_id, sop_instance_uid)
);

-- The workflow object. Issue by issue it gains requests, claims and reports.
create table exam (
    id                bigserial primary key,
    hospital_id       bigint not null references hospital (id),
    study_id          bigint unique references study (id),
    state             text not null,
    state_changed_at  timestamptz not null,
    created_at        timestamptz not null
);
create index exam_state on exam (state, state_changed_at);

-- Every transition with its time and actor: the clock, the audit and the statistics read it.
create table exam_event (
    id          bigserial primary key,
    exam_id     bigint not null references exam (id),
    from_state  text,
    to_state    text not null,
    at          timestamptz not null,
    actor       text not null
);
create index exam_event_exam on exam_event (exam_id, at);

-- Security-relevant events without patient data (rejected associations, logins, reference changes).
create table audit_event (
    id          bigserial primary key,
    at          timestamptz not null,
    actor       text not null,
    action      text not null,
    object      text,
    source      text,
    outcome     text not null,
    detail      text
);
create index audit_event_at on audit_event (at);

-- The emergency CT catalog with its CCAM codes.
insert into exam_type (code, label_fr, body_region, contrast, ccam_code, reading_minutes) values
    ('CT_HEAD',            'Scanner cérébral sans injection',                     'HEAD',          false, 'ACQK001', 12),
    ('CT_HEAD_C',          'Scanner cérébral avec injection',                     'HEAD',          true,  'ACQH003', 14),
    ('CT_HEAD_THORAX',     'Scanner cérébral et thoracique',                      'HEAD_THORAX',   true,  'ACQH002', 20),
    ('CT_TRAUMA',          'Scanner corps entier (polytraumatisé)',               'WHOLE_BODY',    true,  'ACQH004', 40),
    ('CT_PULM_ANGIO',      'Angioscanner thoracique (embolie pulmonaire)',        'THORAX',        true,  'ECQH010', 15),
    ('CT_THORAX',          'Scanner thoracique sans injection',                   'THORAX',        false, 'ZBQK001', 14),
    ('CT_THORAX_C',        'Scanner thoracique avec injection',                   'THORAX',        true,  'ZBQH001', 16),
    ('CT_ABDO_PELVIS',     'Scanner abdomino-pelvien sans injection',             'ABDOMEN_PELVIS',false, 'ZCQK004', 16),
    ('CT_ABDO_PELVIS_C',   'Scanner abdomino-pelvien avec injection',             'ABDOMEN_PELVIS',true,  'ZCQH001', 18),
    ('CT_ANGIO_BRAIN',     'Angioscanner des vaisseaux intracrâniens',            'HEAD',          true,  'EAQH002', 16),
    ('CT_ANGIO_NECK',      'Angioscanner des vaisseaux cervicaux',                'NECK',          true,  'EBQH006', 16),
    ('CT_SPINE',           'Scanner du rachis sans injection',                    'SPINE',         false, 'LHQK005', 14),
    ('CT_SPINE_C',         'Scanner du rachis avec injection',                    'SPINE',         true,  'LHQH002', 15);
