-- Issue 16: wrong passwords and codes no longer lock an account for everyone. Each failure is kept
-- with where it came from, so that a source is slowed down, then shut out, for the account it
-- guesses at (or for every account when it sprays many), while the on-call radiologist elsewhere
-- still logs in. Only guessing from several sources at once locks the account itself.
create table login_failure (
    id        bigserial primary key,
    -- As typed, lower-cased and cut to 64 characters: there may be no such account.
    username  text not null check (length(username) <= 64),
    -- The address the attempt came from; IPv6 addresses are kept as their /64 network.
    source    text not null check (length(source) <= 64),
    kind      text not null check (kind in ('PASSWORD', 'SECOND_FACTOR')),
    at        timestamptz not null
);
create index login_failure_by_account on login_failure (username, source, at);
create index login_failure_by_source on login_failure (source, at);
create index login_failure_by_time on login_failure (at);

alter table app_user
    drop column failed_logins,
    drop column last_failure_at,
    -- Set when guessing from several sources was proven; an administrator may lift it early.
    add column locked_until  timestamptz,
    add column locked_reason text check (locked_reason is null or length(locked_reason) <= 500);
