-- Roster and billing: planned night shifts, the RPPS of radiologists, one CCAM act per signed
-- report, hospitals' subscriptions and invoices numbered without gaps.

-- The RPPS number identifies the radiologist on every act line (11 digits).
alter table app_user add column rpps text unique check (rpps ~ '^[0-9]{11}$');

-- The night shift of a center, in the center's own clock.
alter table reading_center
    add column time_zone    text not null default 'Europe/Paris',
    add column night_starts time not null default '20:00',
    add column night_ends   time not null default '08:00';

-- A radiologist's name put down for one seat of a center on the night starting on night_date.
-- Over-bookings are possible on purpose (an administrator plans beyond the seats, a center loses
-- a seat): the planning page shows them rather than the database hiding them.
create table planned_shift (
    id            bigserial primary key,
    center_id     bigint not null references reading_center (id),
    night_date    date not null,
    seat          integer not null check (seat >= 1),
    user_id       bigint not null references app_user (id),
    starts_at     timestamptz not null,
    ends_at       timestamptz not null,
    planned_at    timestamptz not null,
    planned_by    text not null,
    withdrawn_at  timestamptz,
    check (ends_at > starts_at)
);
create index planned_shift_night on planned_shift (night_date, center_id) where withdrawn_at is null;
create index planned_shift_user on planned_shift (user_id, starts_at) where withdrawn_at is null;

-- A check-in records the planned shift it fulfils; null is a check-in without one (flagged).
alter table seat_presence add column planned_shift_id bigint references planned_shift (id);

-- One act line per signed report, written once at signature and never changed.
create table ccam_act (
    id                bigserial primary key,
    report_id         bigint not null unique references report (id),
    exam_id           bigint not null references exam (id),
    hospital_id       bigint not null references hospital (id),
    radiologist_id    bigint not null references app_user (id),
    exam_type_code    text not null references exam_type (code),
    ccam_code         text not null,
    modifier          text check (modifier in ('U', 'F')),
    urgent            boolean not null,
    rpps              text,
    finess            text not null,
    patient_key       text not null,
    accession_number  text not null,
    performed_at      timestamptz not null,
    -- The moment in the hospital's own clock, as the act is billed.
    time_zone         text not null,
    local_date        date not null,
    local_time        time not null,
    -- The night of the network's shift the act was read in (the date it started, Paris time).
    night_date        date not null,
    coded_at          timestamptz not null
);
create index ccam_act_month on ccam_act (local_date);
create index ccam_act_radiologist on ccam_act (radiologist_id, night_date);
create index ccam_act_hospital on ccam_act (hospital_id, local_date);

create trigger ccam_act_is_final before update or delete on ccam_act
    for each row execute function report_refuse_any_change();

-- Each hospital's software subscription, and the per-exam fee when its contract has one.
create table subscription (
    hospital_id          bigint primary key references hospital (id),
    annual_amount_cents  bigint not null check (annual_amount_cents >= 0),
    starts_on            date not null,
    frequency            text not null check (frequency in ('MONTHLY', 'QUARTERLY', 'ANNUAL')),
    per_exam_fee_cents   bigint check (per_exam_fee_cents >= 0),
    updated_at           timestamptz not null,
    updated_by           text not null
);

-- Invoice numbers follow each other without gaps within a year: the counter row is locked in the
-- transaction that issues the invoice, so a rolled-back issue gives its number back.
create table invoice_counter (
    year         integer primary key,
    last_number  integer not null check (last_number >= 0)
);

create table invoice (
    id                   bigserial primary key,
    number               text not null unique check (number ~ '^F-[0-9]{4}-[0-9]{6}$'),
    hospital_id          bigint not null references hospital (id),
    period_start         date not null,
    period_end           date not null,
    subscription_cents   bigint not null check (subscription_cents >= 0),
    exam_count           integer not null check (exam_count >= 0),
    per_exam_fee_cents   bigint not null check (per_exam_fee_cents >= 0),
    exams_cents          bigint not null check (exams_cents >= 0),
    total_cents          bigint not null check (total_cents >= 0),
    issued_at            timestamptz not null,
    issued_by            text not null,
    pdf                  bytea not null,
    check (period_end > period_start),
    unique (hospital_id, period_start)
);
create index invoice_issued on invoice (issued_at desc);

create trigger invoice_is_final before update or delete on invoice
    for each row execute function report_refuse_any_change();
