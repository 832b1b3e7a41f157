-- AI triage: engines, their thresholds, runs, results, and the radiologist's last word.

-- An engine analyses the exams of the types it is configured for. BUILTIN runs in-process; HTTP
-- engines post their results with their own bearer token (only its SHA-256 is kept).
create table ai_engine (
    id          bigserial primary key,
    code        text not null unique,
    name        text not null,
    kind        text not null check (kind in ('BUILTIN', 'HTTP', 'DICOM', 'ONNX')),
    version     text,
    exam_types  text[] not null default '{}',
    token_hash  text unique,
    -- ONNX engines: {"model": "/path/model.onnx", "inputName": "x", "rows": 256, "columns": 256,
    -- "windowCenter": 40, "windowWidth": 80, "finding": "ICH"}
    config      jsonb,
    enabled     boolean not null default true,
    created_at  timestamptz not null default now()
);

-- Sensitivity first: a score at or above the threshold is positive. GIVEN by the operator or
-- DERIVED from a labelled validation set for a target sensitivity.
create table ai_threshold (
    engine_id           bigint not null references ai_engine (id),
    finding             text not null,
    threshold           double precision not null,
    source              text not null check (source in ('GIVEN', 'DERIVED')),
    target_sensitivity  double precision check (target_sensitivity > 0 and target_sensitivity <= 1),
    set_at              timestamptz not null,
    primary key (engine_id, finding)
);

-- One analysis of one exam by one engine; a run that outlives its timeout is TIMED_OUT.
create table ai_run (
    id           bigserial primary key,
    exam_id      bigint not null references exam (id),
    engine_id    bigint not null references ai_engine (id),
    state        text not null check (state in ('RUNNING', 'DONE', 'FAILED', 'TIMED_OUT')),
    started_at   timestamptz not null,
    finished_at  timestamptz,
    detail       text
);
create index ai_run_exam on ai_run (exam_id);

-- The engine's answer for one finding of one exam (the latest answer wins).
create table ai_result (
    id                    bigserial primary key,
    exam_id               bigint not null references exam (id),
    engine_id             bigint not null references ai_engine (id),
    engine_version        text,
    finding               text not null,
    score                 double precision,
    positive              boolean not null,
    key_sop_instance_uid  text,
    key_frame             integer,
    received_at           timestamptz not null,
    unique (exam_id, engine_id, finding)
);

-- The radiologist's answer at signature for each finding an engine gave or missed: every
-- disagreement is a row with agreement false. ai_result_id is null for a finding no engine gave.
create table ai_review (
    id                    bigserial primary key,
    exam_id               bigint not null references exam (id),
    ai_result_id          bigint references ai_result (id),
    engine_id             bigint references ai_engine (id),
    finding               text not null,
    ai_positive           boolean,
    radiologist_positive  boolean not null,
    agreement             boolean not null,
    reviewed_by           bigint not null references app_user (id),
    reviewed_at           timestamptz not null
);
create index ai_review_exam on ai_review (exam_id);
create index ai_review_month on ai_review (reviewed_at);

insert into ai_engine (code, name, kind, version, exam_types) values
    ('relais-ich', 'Détecteur de référence d''hémorragie intracrânienne', 'BUILTIN', '1.0', '{CT_HEAD}');
-- 0.1 mL: sensitivity first; below the smallest bleed of `./relais bench ai` (0.19 mL), above what noise leaves (0).
insert into ai_threshold (engine_id, finding, threshold, source, set_at)
    select id, 'ICH', 0.1, 'GIVEN', now() from ai_engine where code = 'relais-ich';
