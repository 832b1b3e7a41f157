-- One audit entry per received study and association (or STOW-RS request), not one per image:
-- each instance names the entry that recorded its reception, so every object stays traceable.
-- No foreign key: the audit trail is referenced by nothing, so that it can never be truncated along
-- with (or refused because of) what it records.
alter table instance add column received_audit_id bigint;
create index instance_received_audit on instance (received_audit_id) where received_audit_id is not null;

-- The audit page lists the actions that occurred (a loose index scan) and filters by them.
create index audit_event_action on audit_event (action, at);
