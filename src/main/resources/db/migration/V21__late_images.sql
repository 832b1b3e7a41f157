-- Images that arrive for a study whose report is signed: a task for the report's author (or a
-- coordinator) that ends with an addendum or an explicit "nothing new". One open task per exam;
-- it counts the new instances and the span of their arrival.
create table late_image_task (
    id                bigserial primary key,
    exam_id           bigint not null references exam (id),
    study_id          bigint not null references study (id),
    hospital_id       bigint not null references hospital (id),
    author            text not null,
    instance_count    integer not null check (instance_count > 0),
    first_arrival_at  timestamptz not null,
    last_arrival_at   timestamptz not null check (last_arrival_at >= first_arrival_at),
    state             text not null default 'OPEN' check (state in ('OPEN', 'ADDENDUM', 'NOTHING_NEW')),
    closed_at         timestamptz,
    closed_by         text,
    addendum_id       bigint,
    check ((state = 'OPEN') = (closed_at is null and closed_by is null)),
    check ((state = 'ADDENDUM') = (addendum_id is not null))
);
create unique index late_image_task_open on late_image_task (exam_id) where state = 'OPEN';
create index late_image_task_author on late_image_task (author, state);
create index late_image_task_study on late_image_task (study_id);
