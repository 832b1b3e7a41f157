-- What identifies a hospital on the network beside its calling AE titles (issue 16, item 4).

-- The client certificates a hospital may show on the DICOM TLS port: by SHA-256 fingerprint of the
-- DER encoding (one certificate), or by subject (X500Principal's canonical form to compare, RFC 2253
-- to show). One certificate identifies one hospital, hence the keys.
create table hospital_certificate_fingerprint (
    sha256       text primary key check (sha256 ~ '^[0-9A-F]{64}$'),
    hospital_id  bigint not null references hospital (id) on delete cascade
);
create index hospital_certificate_fingerprint_hospital on hospital_certificate_fingerprint (hospital_id);

create table hospital_certificate_subject (
    subject_canonical  text primary key check (length(subject_canonical) > 0),
    subject            text not null check (length(trim(subject)) > 0),
    hospital_id        bigint not null references hospital (id) on delete cascade
);
create index hospital_certificate_subject_hospital on hospital_certificate_subject (hospital_id);

-- The networks a hospital may call from; none registered: anywhere, as before.
create table hospital_network (
    hospital_id  bigint not null references hospital (id) on delete cascade,
    network      cidr not null,
    primary key (hospital_id, network)
);

-- Accession numbers are now random with a check character (RequestService); those already given
-- stay valid, and no new one comes from the sequence.
drop sequence accession_number_seq;
