-- The report: templates and quick phrases, the draft and its signature, addenda, critical-finding
-- callbacks and the tasks coordinators follow until the call is made. A signed report and its
-- addenda are immutable: the triggers below refuse any change, whoever sends the SQL.

-- One template per exam type, and one default (exam_type_code null) for types without their own.
-- The indication comes from the request; the technique starts with the protocol chosen at justification.
create table report_template (
    id              bigserial primary key,
    exam_type_code  text unique references exam_type (code),
    technique       text not null,
    findings        text not null,
    conclusion      text not null
);
create unique index report_template_one_default on report_template ((exam_type_code is null)) where exam_type_code is null;

-- Phrases a radiologist inserts with one click; body_regions null means every exam.
create table report_phrase (
    id            bigserial primary key,
    section       text not null check (section in ('FINDINGS', 'CONCLUSION')),
    label         text not null check (length(label) between 1 and 60),
    body          text not null check (length(body) between 1 and 1000),
    body_regions  text[],
    position      integer not null default 0
);

-- One report per exam. The draft is saved again and again (version: optimistic locking, so that
-- two tabs never overwrite each other silently); signing freezes it for good.
create table report (
    id                  bigserial primary key,
    exam_id             bigint not null unique references exam (id),
    state               text not null default 'DRAFT' check (state in ('DRAFT', 'SIGNED')),
    indication          text not null check (length(indication) <= 4000),
    technique           text not null check (length(technique) <= 4000),
    findings            text not null check (length(findings) <= 20000),
    conclusion          text not null check (length(conclusion) <= 4000),
    critical            boolean not null default false,
    critical_category   text check (critical_category in ('HAEMORRHAGE', 'PULMONARY_EMBOLISM', 'AORTIC_DISSECTION',
                                                          'ISCHAEMIC_STROKE', 'PNEUMOTHORAX', 'PNEUMOPERITONEUM',
                                                          'UNSTABLE_FRACTURE', 'OTHER')),
    -- The radiologist who last saved the draft (a reassigned exam changes hands with its draft).
    author_id           bigint not null references app_user (id),
    version             integer not null default 1 check (version >= 1),
    created_at          timestamptz not null,
    updated_at          timestamptz not null,
    signed_at           timestamptz,
    signed_by           bigint references app_user (id),
    -- The clock the platform is judged on: first image received, and seconds from it to the signature.
    first_image_at      timestamptz,
    turnaround_seconds  integer check (turnaround_seconds >= 0),
    check (critical = (critical_category is not null)),
    check ((state = 'SIGNED') = (signed_at is not null and signed_by is not null))
);
create index report_signed_at on report (signed_at) where state = 'SIGNED';

-- Corrections after signature: each addendum is signed and timed by its author, then frozen.
create table report_addendum (
    id         bigserial primary key,
    report_id  bigint not null references report (id),
    body       text not null check (length(trim(body)) between 1 and 4000),
    author_id  bigint not null references app_user (id),
    signed_at  timestamptz not null
);
create index report_addendum_report on report_addendum (report_id, signed_at);

-- A critical finding the radiologist could not phone before signing: coordinators see it until the call is made.
create table callback_task (
    id         bigserial primary key,
    report_id  bigint not null unique references report (id),
    state      text not null default 'OPEN' check (state in ('OPEN', 'DONE')),
    opened_at  timestamptz not null,
    opened_by  bigint not null references app_user (id),
    done_at    timestamptz,
    done_by    bigint references app_user (id),
    check ((state = 'DONE') = (done_at is not null and done_by is not null))
);
create index callback_task_open on callback_task (opened_at) where state = 'OPEN';

-- A documented phone call: who was called, on which number, when, and that they read the finding back.
create table critical_callback (
    id                   bigserial primary key,
    report_id            bigint not null references report (id),
    called_name          text not null check (length(trim(called_name)) between 1 and 128),
    called_phone         text not null check (called_phone ~ '^[+0-9 ().-]{2,24}$'),
    called_at            timestamptz not null,
    read_back_confirmed  boolean not null check (read_back_confirmed),
    recorded_by          bigint not null references app_user (id),
    recorded_at          timestamptz not null,
    task_id              bigint references callback_task (id)
);
create index critical_callback_report on critical_callback (report_id, called_at);

-- Signing ends the claim: the worklist records it like its other claim events.
alter table claim_event drop constraint claim_event_action_check;
alter table claim_event add constraint claim_event_action_check
    check (action in ('CLAIMED', 'RELEASED', 'TIMED_OUT', 'REASSIGNED', 'ASSIGNED', 'REPORTED'));

-- ---- immutability, enforced by the database itself ----------------------------------------------

create function report_refuse_change_when_signed() returns trigger language plpgsql as $$
begin
    if old.state = 'SIGNED' then
        raise exception 'report % is signed: it cannot be %', old.id,
            case tg_op when 'DELETE' then 'deleted' else 'changed (add an addendum instead)' end
            using errcode = 'RL001';
    end if;
    if tg_op = 'DELETE' then
        return old;
    end if;
    return new;
end $$;

create trigger report_signed_is_final before update or delete on report
    for each row execute function report_refuse_change_when_signed();

create function report_refuse_any_change() returns trigger language plpgsql as $$
begin
    raise exception '% rows are signed records: they cannot be %', tg_table_name,
        case tg_op when 'DELETE' then 'deleted' when 'TRUNCATE' then 'truncated' else 'changed' end
        using errcode = 'RL001';
end $$;

create trigger report_addendum_is_final before update or delete on report_addendum
    for each row execute function report_refuse_any_change();
create trigger critical_callback_is_final before update or delete on critical_callback
    for each row execute function report_refuse_any_change();
create trigger report_not_truncated before truncate on report
    for each statement execute function report_refuse_any_change();
create trigger report_addendum_not_truncated before truncate on report_addendum
    for each statement execute function report_refuse_any_change();

-- An addendum corrects a signed report; a draft is simply edited.
create function report_addendum_needs_signed_report() returns trigger language plpgsql as $$
begin
    if not exists (select 1 from report where id = new.report_id and state = 'SIGNED') then
        raise exception 'report % is not signed: edit the draft instead of adding an addendum', new.report_id
            using errcode = 'RL002';
    end if;
    return new;
end $$;

create trigger report_addendum_on_signed_only before insert on report_addendum
    for each row execute function report_addendum_needs_signed_report();

-- ---- French templates for the emergency CT catalog ------------------------------------------------

insert into report_template (exam_type_code, technique, findings, conclusion) values
    (null,
     'Acquisition tomodensitométrique selon le protocole retenu.',
     '',
     ''),
    ('CT_HEAD',
     'Acquisition hélicoïdale sans injection de produit de contraste, reconstructions en fenêtres parenchymateuse et osseuse.',
     'Pas d’hémorragie intra- ou extra-axiale.
Pas d’effet de masse, structures médianes en place.
Système ventriculaire de taille normale.
Pas d’anomalie de densité du parenchyme cérébral.
Pas de fracture de la voûte ni de la base du crâne.',
     'Pas d’anomalie intracrânienne aiguë.'),
    ('CT_HEAD_C',
     'Acquisition sans puis après injection intraveineuse de produit de contraste iodé.',
     'Pas d’hémorragie intra- ou extra-axiale.
Pas d’effet de masse, structures médianes en place.
Système ventriculaire de taille normale.
Pas de prise de contraste anormale du parenchyme ni des méninges.',
     'Pas d’anomalie intracrânienne aiguë, pas de prise de contraste pathologique.'),
    ('CT_HEAD_THORAX',
     'Encéphale sans injection, thorax au temps portal après injection de produit de contraste iodé.',
     'Encéphale : pas d’hémorragie intracrânienne, pas d’effet de masse, structures médianes en place.
Thorax : pas de condensation parenchymateuse, pas d’épanchement pleural ni de pneumothorax, médiastin sans anomalie.',
     'Pas d’anomalie encéphalique ni thoracique aiguë.'),
    ('CT_TRAUMA',
     'Encéphale et rachis cervical sans injection, corps entier après injection (temps artériel et portal), reconstructions osseuses.',
     'Encéphale : pas de lésion hémorragique intracrânienne, pas de fracture du crâne.
Rachis cervical : alignement conservé, pas de fracture.
Thorax : pas de pneumothorax ni d’hémothorax, pas de contusion pulmonaire, aorte thoracique sans anomalie, pas de fracture costale.
Abdomen et pelvis : pas de lésion des organes pleins, pas d’épanchement péritonéal, pas de pneumopéritoine.
Bassin et rachis thoraco-lombaire : pas de fracture.',
     'Pas de lésion traumatique décelée.'),
    ('CT_PULM_ANGIO',
     'Angioscanner thoracique après injection de produit de contraste iodé, acquisition au temps artériel pulmonaire.',
     'Opacification satisfaisante des artères pulmonaires.
Pas de défect endoluminal des artères pulmonaires jusqu’au niveau segmentaire.
Rapport VD/VG inférieur à 1.
Pas d’épanchement pleural ni péricardique.
Parenchyme pulmonaire sans anomalie.',
     'Pas d’embolie pulmonaire.'),
    ('CT_THORAX',
     'Acquisition thoracique sans injection, filtres parenchymateux et médiastinaux.',
     'Pas de condensation parenchymateuse.
Pas d’épanchement pleural ni de pneumothorax.
Pas d’adénomégalie médiastinale.
Cœur de taille normale.',
     'Pas d’anomalie thoracique aiguë.'),
    ('CT_THORAX_C',
     'Acquisition thoracique au temps portal après injection de produit de contraste iodé.',
     'Pas de condensation parenchymateuse.
Pas d’épanchement pleural ni de pneumothorax.
Aorte thoracique de calibre normal, sans anomalie pariétale.
Pas d’adénomégalie médiastinale.',
     'Pas d’anomalie thoracique aiguë.'),
    ('CT_ABDO_PELVIS',
     'Acquisition abdomino-pelvienne sans injection de produit de contraste.',
     'Pas de pneumopéritoine.
Pas d’épanchement intrapéritonéal.
Pas de dilatation des cavités pyélocalicielles, pas de calcul urinaire visible.
Pas de distension digestive.',
     'Pas d’anomalie abdomino-pelvienne aiguë.'),
    ('CT_ABDO_PELVIS_C',
     'Acquisition abdomino-pelvienne au temps portal après injection de produit de contraste iodé.',
     'Foie, rate, pancréas, surrénales et reins sans anomalie.
Pas de pneumopéritoine ni d’épanchement intrapéritonéal.
Anses digestives de calibre normal, sans épaississement pariétal.
Appendice de calibre normal.
Aorte abdominale de calibre normal.',
     'Pas d’anomalie abdomino-pelvienne aiguë.'),
    ('CT_ANGIO_BRAIN',
     'Angioscanner des artères intracrâniennes, reconstructions MIP et VR.',
     'Polygone de Willis perméable, sans occlusion ni sténose significative.
Pas d’anévrisme décelé.
Sinus veineux duraux perméables.',
     'Pas d’occlusion artérielle intracrânienne, pas d’anévrisme décelé.'),
    ('CT_ANGIO_NECK',
     'Angioscanner des vaisseaux cervicaux, de la crosse aortique au polygone de Willis.',
     'Crosse aortique et troncs supra-aortiques perméables.
Bifurcations carotidiennes sans sténose significative.
Artères vertébrales perméables, sans signe de dissection.',
     'Pas de sténose significative ni de dissection des artères cervicales.'),
    ('CT_SPINE',
     'Acquisition rachidienne sans injection, reconstructions sagittales et coronales en fenêtre osseuse.',
     'Alignement vertébral conservé.
Pas de fracture ni de tassement vertébral.
Pas de rétrécissement canalaire significatif.
Parties molles paravertébrales sans anomalie.',
     'Pas de lésion osseuse traumatique du rachis.'),
    ('CT_SPINE_C',
     'Acquisition rachidienne sans puis après injection de produit de contraste iodé.',
     'Alignement vertébral conservé, pas de lyse osseuse.
Pas de collection épidurale ni paravertébrale.
Pas de prise de contraste anormale.',
     'Pas de collection ni de signe de compression médullaire.');

insert into report_phrase (section, label, body, body_regions, position) values
    ('FINDINGS', 'Hématome sous-dural', 'Hématome sous-dural aigu hémisphérique [droit / gauche], d’épaisseur maximale [x] mm, avec effet de masse et déviation de la ligne médiane de [x] mm.', '{HEAD,HEAD_THORAX,WHOLE_BODY}', 10),
    ('FINDINGS', 'Hémorragie méningée', 'Hémorragie sous-arachnoïdienne au sein des citernes de la base et des sillons corticaux.', '{HEAD,HEAD_THORAX,WHOLE_BODY}', 20),
    ('FINDINGS', 'Hématome intraparenchymateux', 'Hématome intraparenchymateux [lobaire / profond] [droit / gauche] de [x] x [y] mm, avec œdème périlésionnel.', '{HEAD,HEAD_THORAX,WHOLE_BODY}', 30),
    ('FINDINGS', 'AVC ischémique', 'Hypodensité cortico-sous-corticale du territoire de l’artère [sylvienne / cérébrale antérieure / cérébrale postérieure] [droite / gauche], en rapport avec un AVC ischémique constitué.', '{HEAD,HEAD_THORAX}', 40),
    ('FINDINGS', 'Leucoaraïose', 'Hypodensités de la substance blanche périventriculaire en rapport avec une leucoaraïose.', '{HEAD,HEAD_THORAX}', 50),
    ('FINDINGS', 'Atrophie', 'Élargissement des espaces sous-arachnoïdiens et des ventricules en rapport avec une atrophie cortico-sous-corticale, compatible avec l’âge.', '{HEAD,HEAD_THORAX}', 60),
    ('FINDINGS', 'Embolie pulmonaire', 'Défects endoluminaux des artères pulmonaires [lobaires / segmentaires] [droites / gauches], en rapport avec une embolie pulmonaire.', '{THORAX,HEAD_THORAX,WHOLE_BODY}', 70),
    ('FINDINGS', 'Pneumothorax', 'Pneumothorax [droit / gauche] de [faible / moyenne / grande] abondance, sans signe de compression.', '{THORAX,HEAD_THORAX,WHOLE_BODY}', 80),
    ('FINDINGS', 'Épanchement pleural', 'Épanchement pleural [droit / gauche / bilatéral] de [faible / moyenne] abondance.', '{THORAX,HEAD_THORAX,WHOLE_BODY}', 90),
    ('FINDINGS', 'Dissection aortique', 'Flap intimal de l’aorte [ascendante / descendante], en rapport avec une dissection aortique de type [A / B] de Stanford.', '{THORAX,WHOLE_BODY,ABDOMEN_PELVIS}', 100),
    ('FINDINGS', 'Pneumopéritoine', 'Pneumopéritoine de [faible / grande] abondance, évocateur d’une perforation d’organe creux.', '{ABDOMEN_PELVIS,WHOLE_BODY}', 110),
    ('FINDINGS', 'Fracture vertébrale', 'Fracture du corps vertébral de [niveau] avec recul du mur postérieur de [x] mm.', '{SPINE,WHOLE_BODY}', 120),
    ('FINDINGS', 'Pas d’examen antérieur', 'Pas d’examen antérieur disponible pour comparaison.', null, 130),
    ('CONCLUSION', 'Pas d’anomalie aiguë', 'Pas d’anomalie aiguë décelée.', null, 200),
    ('CONCLUSION', 'Avis neurochirurgical', 'Avis neurochirurgical recommandé.', '{HEAD,HEAD_THORAX,WHOLE_BODY,SPINE}', 210),
    ('CONCLUSION', 'Avis chirurgical', 'Avis chirurgical recommandé.', null, 220),
    ('CONCLUSION', 'Contrôle', 'Contrôle scanographique à discuter selon l’évolution clinique.', null, 230),
    ('CONCLUSION', 'Résultat téléphoné', 'Résultat communiqué par téléphone au médecin demandeur.', null, 240);
