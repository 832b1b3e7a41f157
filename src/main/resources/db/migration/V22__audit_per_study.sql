-- One audit entry per received study and association (or STOW-RS request), not one per image:
-- each instance names the entry that recorded its reception, so every object stays traceable.
alter table instance add column received_audit_id bigint references audit_event (id);
create index instance_received_audit on instance (received_audit_id) where received_audit_id is not null;

-- The audit page lists the actions that occurred (a loose index scan) and filters by them.
create index audit_event_action on audit_event (action, at);
