-- Report delivery: where each hospital wants its reports, and the outbox that carries them there.

-- The hospital's systems that receive reports: its RIS over HL7 v2 (MLLP), its PACS over DICOM.
-- The portal and FHIR need no entry: the hospital fetches from them.
create table report_destination (
    id             bigserial primary key,
    hospital_id    bigint not null references hospital (id) on delete cascade,
    kind           text not null check (kind in ('HL7_MLLP', 'DICOM_STORE')),
    label          text not null check (length(trim(label)) between 1 and 80),
    host           text not null check (host ~ '^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$'),
    port           integer not null check (port between 1 and 65535),
    -- DICOM: the PACS's AE title; HL7: the receiving application (MSH-5).
    remote_name    text not null check (remote_name ~ '^[ -\[\]-~]{1,16}$' and remote_name = trim(remote_name)),
    enabled        boolean not null default true,
    created_at     timestamptz not null
);
create index report_destination_hospital on report_destination (hospital_id);

-- The outbox: one row per signed text (the signature, then each addendum) and destination, made
-- when the signature commits and again by a sweep, so that none is ever missed. The message id
-- is chosen once: every attempt sends the same HL7 control id / DICOM SOP instance, so that a
-- receiver that got an earlier attempt recognises the repeat.
create table report_delivery (
    id               bigserial primary key,
    report_id        bigint not null references report (id),
    addendum_id      bigint references report_addendum (id),
    destination_id   bigint not null references report_destination (id) on delete cascade,
    state            text not null default 'PENDING' check (state in ('PENDING', 'SENDING', 'DELIVERED', 'REJECTED')),
    attempts         integer not null default 0,
    next_attempt_at  timestamptz not null,
    lease_until      timestamptz,
    last_error       text,
    created_at       timestamptz not null,
    delivered_at     timestamptz,
    message_id       text not null unique,
    unique nulls not distinct (report_id, addendum_id, destination_id)
);
create index report_delivery_due on report_delivery (next_attempt_at) where state in ('PENDING', 'SENDING');
create index report_delivery_report on report_delivery (report_id);

-- The clock at delivery is the exam's move to DELIVERED (exam_event), when the last destination
-- acknowledged the signed report; each destination keeps its own delivered_at above.
