-- The retention purge claims an exam before it deletes a file: from then on a legal hold is refused
-- (its images are going), and a purge killed half-way finds the exam again and finishes it.
alter table exam add column purge_started_at timestamptz;
