-- The requesting service is told: a critical result is acknowledged on the portal by a named
-- person of the hospital (once, the first acknowledgement stays), and each hospital user's
-- opening of a signed report is remembered so that the request list shows the others as new.
create table critical_acknowledgement (
    report_id        bigint primary key references report (id),
    acknowledged_by  bigint not null references app_user (id),
    acknowledged_at  timestamptz not null
);

create trigger critical_acknowledgement_is_final before update or delete on critical_acknowledgement
    for each row execute function report_refuse_any_change();

create table report_seen (
    report_id  bigint not null references report (id),
    user_id    bigint not null references app_user (id),
    seen_at    timestamptz not null,
    primary key (report_id, user_id)
);
