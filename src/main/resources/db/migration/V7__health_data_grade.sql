-- The audit trail becomes append-only and hash-chained (issue 8). Each entry also names the role
-- and hospital of its actor. A sealer links the entries in the order it meets them: chain_seq,
-- prev_hash (the hash of the entry before) and hash = SHA-256(prev_hash, the entry's fields), so
-- that a changed, removed or inserted entry breaks the chain at that point (./relais audit verify).
-- (The AI issue's migration follows as V8.)
alter table audit_event
    add column role        text,
    add column hospital_id bigint,
    add column chain_seq   bigint unique,
    add column prev_hash   bytea,
    add column hash        bytea;
-- The head of the chain, kept apart, so that removing the last entries is seen too.
create table audit_chain_head (
    id         integer primary key check (id = 1),
    chain_seq  bigint not null,
    hash       bytea not null,
    sealed_at  timestamptz not null
);
create index audit_event_unsealed on audit_event (id) where hash is null;
create index audit_event_actor on audit_event (actor, at);

-- Nothing is changed or removed, whoever sends the SQL; the one update allowed is the sealing of
-- an entry not sealed yet, which leaves its fields as they are. On a real server, also give the
-- application's role no UPDATE/DELETE/TRUNCATE on the table but UPDATE (chain_seq, prev_hash, hash).
create function audit_event_append_only() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' and old.hash is null and new.hash is not null
       and (new.id, new.at, new.actor, new.action, new.object, new.source, new.outcome, new.detail, new.role, new.hospital_id)
           is not distinct from
           (old.id, old.at, old.actor, old.action, old.object, old.source, old.outcome, old.detail, old.role, old.hospital_id) then
        return new;
    end if;
    raise exception 'audit_event is append-only: % refused', lower(tg_op) using errcode = 'RL002';
end $$;

create trigger audit_event_append_only before update or delete on audit_event
    for each row execute function audit_event_append_only();
create trigger audit_event_not_truncated before truncate on audit_event
    for each statement execute function audit_event_append_only();

-- Lockout: repeated wrong passwords lock the account for a while (relais.security.lockout-*).
alter table app_user
    add column failed_logins    integer not null default 0,
    add column last_failure_at  timestamptz;

-- Retention: images go once the hospital's retention has passed since the report reached it,
-- unless the exam is on legal hold. Requests, reports and the audit trail stay.
alter table exam
    add column legal_hold         boolean not null default false,
    add column legal_hold_reason  text check (legal_hold_reason is null or length(legal_hold_reason) <= 500);
