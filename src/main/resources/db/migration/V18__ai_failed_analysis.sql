-- An AI that cannot see says so: why an engine could not analyse the images it was given
-- (compressed pixel data it does not decode, objects it cannot read, no CT image at all).
alter table ai_run add column failure text
    check (failure in ('COMPRESSED_IMAGES', 'UNREADABLE_IMAGES', 'NO_IMAGES'));

-- Published by the AI for the worklist and the viewer: the analyses that ended without an answer
-- (the latest run of an engine on an exam failed or timed out, and the engine gave no result), so
-- that no one reads "nothing found" where no engine looked.
create view ai_failed_analysis as
select r.exam_id, r.engine_id, g.name as engine_name, r.state, r.failure, r.finished_at
from ai_run r join ai_engine g on g.id = r.engine_id
where r.state in ('FAILED', 'TIMED_OUT')
  and r.id = (select max(l.id) from ai_run l where l.exam_id = r.exam_id and l.engine_id = r.engine_id)
  and not exists (select 1 from ai_result x where x.exam_id = r.exam_id and x.engine_id = r.engine_id);
