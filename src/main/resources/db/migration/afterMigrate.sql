-- After every migration (Flyway callback), as the schema's owner: the application's role gets what
-- it needs on every table, and on the audit trail only to add entries and to seal them. The
-- triggers of V7 stay as a second guard, for whoever owns the table. Nothing to do when the
-- application migrates as its own owner (appRole empty).
do $$
declare
    app text := '${appRole}';
begin
    if app = '' or app = current_user or not exists (select 1 from pg_roles where rolname = app) then
        return;
    end if;
    execute format('grant usage on schema public to %I', app);
    execute format('grant select, insert, update, delete on all tables in schema public to %I', app);
    execute format('grant usage, select, update on all sequences in schema public to %I', app);
    execute format('revoke all on flyway_schema_history from %I', app);
    execute format('revoke update, delete, truncate on audit_event from %I', app);
    execute format('grant update (chain_seq, prev_hash, hash) on audit_event to %I', app);
end $$;
