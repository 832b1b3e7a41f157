-- Issue 8, continued: the second factor (TOTP) of people, and API tokens for hospital systems.

-- The TOTP secret is sealed with the master key like patient names (purpose "app_user.totp_secret");
-- totp_last_step is the last time step a code was accepted for, so a code is never accepted twice.
alter table app_user
    add column totp_secret_sealed bytea,
    add column totp_enrolled_at   timestamptz,
    add column totp_last_step     bigint,
    -- A SERVICE account is what an API token acts as: it never logs in with a password.
    add column kind               text not null default 'PERSON' check (kind in ('PERSON', 'SERVICE')),
    add check (totp_secret_sealed is null or kind = 'PERSON');

-- A token is shown once at creation; only its SHA-256 is kept. It acts as its service account,
-- which belongs to one hospital (a hospital role), so everything scoped by hospital scopes it too.
-- AI engines have their own tokens in ai_engine (hashed the same way, replaced by rotation).
create table api_token (
    id           bigserial primary key,
    name         text not null check (length(trim(name)) between 1 and 100),
    token_hash   bytea not null unique check (length(token_hash) = 32),
    prefix       text not null,
    account_id   bigint not null unique references app_user (id),
    hospital_id  bigint not null references hospital (id),
    created_by   text not null,
    created_at   timestamptz not null,
    expires_at   timestamptz,
    revoked_at   timestamptz,
    revoked_by   text,
    last_used_at timestamptz
);
create index api_token_hospital on api_token (hospital_id);
