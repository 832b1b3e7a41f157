-- Exam requests, justification, consent, and the protocols offered per exam type.

create sequence accession_number_seq;

create table exam_type_protocol (
    id              bigserial primary key,
    exam_type_code  text not null references exam_type (code),
    name            text not null,
    description     text not null,
    unique (exam_type_code, name)
);

-- One request per exam, filed before the scan. Identity is sealed like the patient table's.
create table exam_request (
    exam_id               bigint primary key references exam (id),
    hospital_id           bigint not null references hospital (id),
    accession_number      text not null unique check (length(accession_number) <= 16),
    patient_key           text not null check (length(patient_key) between 1 and 64),
    family_name_sealed    bytea not null,
    given_name_sealed     bytea not null,
    birth_date_sealed     bytea not null,
    sex                   text not null check (sex in ('M', 'F', 'O')),
    exam_type_code        text not null references exam_type (code),
    clinical_context      text not null check (length(clinical_context) between 1 and 4000),
    question              text not null check (length(question) between 1 and 2000),
    urgency               text not null check (urgency in ('P1', 'P2', 'P3')),
    creatinine_umol_l     integer check (creatinine_umol_l between 1 and 3000),
    contrast_allergy      boolean,
    pregnancy             text check (pregnancy in ('NOT_APPLICABLE', 'NOT_PREGNANT', 'PREGNANT', 'UNKNOWN')),
    requesting_physician  text not null check (length(requesting_physician) between 1 and 128),
    callback_phone        text not null check (callback_phone ~ '^[+0-9 ().-]{6,24}$'),
    requested_by          bigint not null references app_user (id),
    requested_at          timestamptz not null,
    consent               text not null default 'PENDING'
                          check (consent in ('PENDING', 'PATIENT_SIGNED', 'TRUSTED_PERSON_SIGNED', 'VITAL_EMERGENCY_WAIVER')),
    protocol              text check (length(protocol) <= 4000),
    decided_by            bigint references app_user (id),
    decided_at            timestamptz,
    refusal_reason        text check (length(refusal_reason) <= 2000)
);
create index exam_request_hospital on exam_request (hospital_id, requested_at desc);
create index exam_request_patient on exam_request (hospital_id, patient_key);

-- Every consent event with who and when; the scan of the signed form, when given, is an encrypted object.
create table consent_event (
    id                   bigserial primary key,
    exam_id              bigint not null references exam (id),
    status               text not null,
    trusted_person_name  text check (length(trusted_person_name) <= 128),
    justification        text check (length(justification) <= 2000),
    document_key         text,
    document_type        text,
    recorded_by          bigint not null references app_user (id),
    recorded_at          timestamptz not null
);
create index consent_event_exam on consent_event (exam_id, recorded_at);

-- The thread between the regulating radiologist and the hospital.
create table request_message (
    id          bigserial primary key,
    exam_id     bigint not null references exam (id),
    author_id   bigint not null references app_user (id),
    body        text not null check (length(body) between 1 and 2000),
    at          timestamptz not null
);
create index request_message_exam on request_message (exam_id, at);

alter table exam_event add column detail text;

insert into exam_type_protocol (exam_type_code, name, description) values
    ('CT_HEAD', 'Crâne sans injection', 'Acquisition hélicoïdale, coupes de 0,625 mm, reconstructions parenchymateuses et osseuses'),
    ('CT_HEAD_C', 'Crâne avec injection', 'Acquisition sans puis avec injection de 1 mL/kg de produit de contraste iodé, temps tardif à 3 min'),
    ('CT_HEAD_C', 'Angio-AVC', 'Crâne sans injection, angioscanner des troncs supra-aortiques et du polygone de Willis, perfusion si disponible'),
    ('CT_HEAD_THORAX', 'Crâne et thorax', 'Crâne sans injection, thorax au temps portal'),
    ('CT_TRAUMA', 'Polytraumatisé', 'Crâne et rachis cervical sans injection, corps entier biphasique (artériel et portal), reconstructions osseuses'),
    ('CT_PULM_ANGIO', 'Embolie pulmonaire', 'Angioscanner thoracique, déclenchement sur le tronc de l''artère pulmonaire, 60 mL à 4 mL/s'),
    ('CT_THORAX', 'Thorax sans injection', 'Acquisition en inspiration, filtres parenchymateux et médiastinaux'),
    ('CT_THORAX_C', 'Thorax avec injection', 'Temps portal à 70 s'),
    ('CT_ABDO_PELVIS', 'Abdomen-pelvis sans injection', 'Recherche de lithiase ou d''air libre'),
    ('CT_ABDO_PELVIS_C', 'Abdomen-pelvis avec injection', 'Temps portal à 70 s, temps artériel si suspicion d''hémorragie ou d''ischémie'),
    ('CT_ANGIO_BRAIN', 'Angioscanner cérébral', 'Déclenchement sur la carotide, reconstructions MIP et VR'),
    ('CT_ANGIO_NECK', 'Angioscanner des vaisseaux du cou', 'De la crosse aortique au polygone de Willis'),
    ('CT_SPINE', 'Rachis sans injection', 'Coupes fines, reconstructions sagittales et coronales osseuses'),
    ('CT_SPINE_C', 'Rachis avec injection', 'Recherche d''abcès ou de compression épidurale');
