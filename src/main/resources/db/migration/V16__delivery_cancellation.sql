-- A destination an administrator disables (or removes, when it has a history) receives nothing
-- more: its undelivered deliveries end CANCELLED, saying by whom and when. Re-enabling it sends what
-- is signed from then on, never silently what was cancelled or signed while it was off.
alter table report_delivery drop constraint report_delivery_state_check;
alter table report_delivery add constraint report_delivery_state_check
    check (state in ('PENDING', 'SENDING', 'DELIVERED', 'REJECTED', 'CANCELLED'));
alter table report_delivery
    add column cancelled_at  timestamptz,
    add column cancelled_by  text,
    add column cancel_reason text;

alter table report_destination
    add column disabled_at   timestamptz,
    add column disabled_by   text,
    -- Set when re-enabled: texts signed before it are not enqueued for it by the sweep.
    add column enabled_since timestamptz;
