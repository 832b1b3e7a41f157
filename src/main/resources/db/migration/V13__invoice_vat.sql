-- A French invoice states its VAT and when it is due. Invoices issued before carry no VAT line
-- (rate 0) and no due date; they stay as they were issued.
alter table invoice
    add column vat_rate_basis_points  integer not null default 0 check (vat_rate_basis_points between 0 and 10000),
    add column vat_cents              bigint not null default 0 check (vat_cents >= 0),
    add column due_on                 date;
