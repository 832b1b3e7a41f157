-- Operations alerts: one row per condition while it holds (raised, then cleared), so that a
-- condition that lasts sends one alert, not one per check. The webhook is retried until it answers.
create table ops_alert (
    id               bigserial primary key,
    kind             text not null check (kind in ('UNDERSTAFFED', 'INTAKE_STOPPED', 'DELIVERY_FAILING')),
    hospital_id      bigint references hospital (id) on delete cascade,
    -- What the alert counts: radiologists to call, deliveries in alarm; for a silent hospital, nothing.
    figure           bigint,
    -- For a silent hospital: when its last images arrived.
    since            timestamptz,
    raised_at        timestamptz not null,
    cleared_at       timestamptz,
    notified_at      timestamptz,
    notify_attempts  integer not null default 0
);
create unique index ops_alert_open on ops_alert (kind, coalesce(hospital_id, 0)) where cleared_at is null;
create index ops_alert_unnotified on ops_alert (raised_at) where notified_at is null;

-- The last time the DICOM door asked a hospital to send again later (A700: the reception memory
-- budget was full, or storing failed), for the hospital's own pages.
create table intake_retry_later (
    hospital_id  bigint primary key references hospital (id) on delete cascade,
    last_at      timestamptz not null,
    times        bigint not null default 1
);
