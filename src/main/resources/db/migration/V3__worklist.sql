-- The common worklist: who may read what, who is on a seat, and the queue's own columns on exam.

-- The hospitals a radiologist is authorised to read for.
create table radiologist_hospital (
    user_id      bigint not null references app_user (id) on delete cascade,
    hospital_id  bigint not null references hospital (id) on delete cascade,
    primary key (user_id, hospital_id)
);
create index radiologist_hospital_hospital on radiologist_hospital (hospital_id);

create table radiologist_subspecialty (
    user_id       bigint not null references app_user (id) on delete cascade,
    subspecialty  text not null check (subspecialty in ('NEURO', 'PAEDIATRIC', 'MUSCULOSKELETAL', 'VASCULAR',
                                                        'THORACIC', 'ABDOMINAL', 'CARDIAC', 'INTERVENTIONAL')),
    primary key (user_id, subspecialty)
);

-- A radiologist on a seat of a reading center for a shift. One open presence per radiologist.
create table seat_presence (
    id              bigserial primary key,
    user_id         bigint not null references app_user (id),
    center_id       bigint not null references reading_center (id),
    checked_in_at   timestamptz not null,
    shift_ends_at   timestamptz not null,
    checked_out_at  timestamptz,
    check (shift_ends_at > checked_in_at)
);
create unique index seat_presence_open_user on seat_presence (user_id) where checked_out_at is null;
create index seat_presence_open_center on seat_presence (center_id) where checked_out_at is null;

-- The queue reads these: one indexed order (deadline, then arrival) over READY exams.
alter table exam
    add column ready_at          timestamptz,
    add column deadline_at       timestamptz,
    add column priority_class    text check (priority_class in ('VITAL', 'AI_POSITIVE', 'URGENT', 'DEFERRABLE')),
    add column ai_positive       boolean not null default false,
    add column claimed_by        bigint references app_user (id),
    add column claimed_at        timestamptz,
    add column last_activity_at  timestamptz;
create index exam_queue on exam (deadline_at, ready_at, id) where state = 'READY';
create index exam_claimed on exam (claimed_by) where state = 'IN_READING';

-- Every claim event with time and actor.
create table claim_event (
    id        bigserial primary key,
    exam_id   bigint not null references exam (id),
    user_id   bigint references app_user (id),
    action    text not null check (action in ('CLAIMED', 'RELEASED', 'TIMED_OUT', 'REASSIGNED', 'ASSIGNED')),
    actor     text not null,
    at        timestamptz not null,
    detail    text
);
create index claim_event_exam on claim_event (exam_id, at);
