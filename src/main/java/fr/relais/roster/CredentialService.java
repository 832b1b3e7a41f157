package fr.relais.roster;

import fr.relais.audit.AuditLog;
import fr.relais.hospital.HospitalDirectory;
import fr.relais.platform.Actor;
import fr.relais.platform.ConflictException;
import fr.relais.platform.InvalidInputException;
import fr.relais.security.Account;
import fr.relais.security.AccountService;
import fr.relais.security.Role;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a radiologist may read: the hospitals they are authorised for and their subspecialties
 * (tables radiologist_hospital, radiologist_subspecialty). Only radiologist accounts hold them.
 */
@Service
public class CredentialService {

    private record HospitalRow(long userId, long id, String name) {}

    private record SubspecialtyRow(long userId, String subspecialty) {}

    private final JdbcClient jdbc;
    private final AccountService accounts;
    private final HospitalDirectory hospitals;
    private final PresenceService presence;
    private final AuditLog audit;

    public CredentialService(JdbcClient jdbc, AccountService accounts, HospitalDirectory hospitals,
                             PresenceService presence, AuditLog audit) {
        this.jdbc = jdbc;
        this.accounts = accounts;
        this.hospitals = hospitals;
        this.presence = presence;
        this.audit = audit;
    }

    /** Every radiologist account, by username, with credentials and current presence. */
    public List<Radiologist> list() {
        List<Account> radiologists = accounts.list().stream().filter(a -> a.role() == Role.RADIOLOGIST).toList();
        Map<Long, List<Radiologist.AuthorisedHospital>> authorised = new HashMap<>();
        for (HospitalRow row : jdbc.sql("""
                select rh.user_id, h.id, h.name
                from radiologist_hospital rh join hospital h on h.id = rh.hospital_id
                order by h.name""").query(HospitalRow.class).list()) {
            authorised.computeIfAbsent(row.userId(), k -> new ArrayList<>())
                    .add(new Radiologist.AuthorisedHospital(row.id(), row.name()));
        }
        Map<Long, Set<Subspecialty>> held = new HashMap<>();
        for (SubspecialtyRow row : jdbc.sql("select user_id, subspecialty from radiologist_subspecialty")
                .query(SubspecialtyRow.class).list()) {
            held.computeIfAbsent(row.userId(), k -> EnumSet.noneOf(Subspecialty.class))
                    .add(Subspecialty.valueOf(row.subspecialty()));
        }
        Map<Long, Presence> present = presence.openPresences().stream()
                .collect(Collectors.toMap(Presence::userId, p -> p));
        Map<Long, String> rpps = new HashMap<>();
        jdbc.sql("select id, rpps from app_user where role = 'RADIOLOGIST' and rpps is not null")
                .query((rs, n) -> rpps.put(rs.getLong(1), rs.getString(2))).list();
        return radiologists.stream().map(a -> new Radiologist(a.id(), a.username(), a.displayName(), a.enabled(),
                rpps.get(a.id()),
                List.copyOf(authorised.getOrDefault(a.id(), List.of())),
                held.getOrDefault(a.id(), EnumSet.noneOf(Subspecialty.class)), present.get(a.id()))).toList();
    }

    /** One radiologist; 404 when there is no such account, 409 when it is not a radiologist's. */
    public Radiologist get(long userId) {
        Account account = radiologistAccount(userId);
        List<Radiologist.AuthorisedHospital> authorised = jdbc.sql("""
                select h.id, h.name from radiologist_hospital rh join hospital h on h.id = rh.hospital_id
                where rh.user_id = :user order by h.name""")
                .param("user", userId).query(Radiologist.AuthorisedHospital.class).list();
        return new Radiologist(account.id(), account.username(), account.displayName(), account.enabled(),
                rpps(userId), authorised, subspecialties(userId), presence.current(userId).orElse(null));
    }

    /** The hospital ids a user may read for (empty for anyone but an authorised radiologist). */
    public Set<Long> authorisedHospitals(long userId) {
        return Collections.unmodifiableSet(new TreeSet<>(jdbc.sql(
                "select hospital_id from radiologist_hospital where user_id = :user")
                .param("user", userId).query(Long.class).list()));
    }

    public Set<Subspecialty> subspecialties(long userId) {
        Set<Subspecialty> held = EnumSet.noneOf(Subspecialty.class);
        jdbc.sql("select subspecialty from radiologist_subspecialty where user_id = :user")
                .param("user", userId).query(String.class).list()
                .forEach(s -> held.add(Subspecialty.valueOf(s)));
        return held;
    }

    /** Replaces the hospitals the radiologist is authorised for. */
    @Transactional
    public Radiologist setHospitals(long userId, Collection<Long> hospitalIds, Actor actor) {
        Account account = radiologistAccount(userId);
        Set<Long> ids = new TreeSet<>();
        for (Long id : hospitalIds) {
            if (id == null) {
                throw new InvalidInputException(null, "credentials.hospital.null", "A hospital id is missing");
            }
            if (hospitals.findById(id).isEmpty()) {
                throw new InvalidInputException(null, "credentials.hospital.unknown", "No hospital " + id, String.valueOf(id));
            }
            ids.add(id);
        }
        jdbc.sql("delete from radiologist_hospital where user_id = :user").param("user", userId).update();
        for (long id : ids) {
            jdbc.sql("insert into radiologist_hospital (user_id, hospital_id) values (:user, :hospital)")
                    .param("user", userId).param("hospital", id).update();
        }
        audit.record(actor.username(), "CREDENTIALS_HOSPITALS_SET", "user:" + account.id(), actor.source(),
                AuditLog.Outcome.SUCCESS, "hospitals " + ids);
        return get(userId);
    }

    /** Replaces the radiologist's subspecialties; names as in {@link Subspecialty}, any case. */
    @Transactional
    public Radiologist setSubspecialties(long userId, Collection<String> names, Actor actor) {
        Account account = radiologistAccount(userId);
        Set<Subspecialty> chosen = new LinkedHashSet<>();
        for (String name : names) {
            chosen.add(parse(name));
        }
        jdbc.sql("delete from radiologist_subspecialty where user_id = :user").param("user", userId).update();
        for (Subspecialty s : chosen) {
            jdbc.sql("insert into radiologist_subspecialty (user_id, subspecialty) values (:user, :s)")
                    .param("user", userId).param("s", s.name()).update();
        }
        audit.record(actor.username(), "CREDENTIALS_SUBSPECIALTIES_SET", "user:" + account.id(), actor.source(),
                AuditLog.Outcome.SUCCESS, "subspecialties " + chosen);
        return get(userId);
    }

    private String rpps(long userId) {
        return jdbc.sql("select rpps from app_user where id = :id").param("id", userId).query(String.class).optional()
                .orElse(null);
    }

    /**
     * Sets (or, with null or blank, clears) the radiologist's RPPS number: 11 digits, spaces
     * ignored, and the Luhn check digit of the RPPS right; one number per radiologist.
     */
    @Transactional
    public Radiologist setRpps(long userId, String rpps, Actor actor) {
        Account account = radiologistAccount(userId);
        String number = rpps == null ? "" : rpps.replace(" ", "").strip();
        if (!number.isEmpty() && !Rpps.valid(number)) {
            throw new InvalidInputException("rpps", "credentials.rpps.invalid",
                    "An RPPS number has 11 digits, the last one a Luhn check digit (not " + rpps + ")", rpps);
        }
        String holder = number.isEmpty() ? null : jdbc.sql("select username from app_user where rpps = :rpps and id <> :id")
                .param("rpps", number).param("id", userId).query(String.class).optional().orElse(null);
        if (holder != null) {
            throw new ConflictException("rpps", "credentials.rpps.taken", "RPPS " + number + " is already " + holder + "'s",
                    number, holder);
        }
        jdbc.sql("update app_user set rpps = :rpps where id = :id")
                .param("rpps", number.isEmpty() ? null : number).param("id", userId).update();
        audit.record(actor.username(), "CREDENTIALS_RPPS_SET", "user:" + account.id(), actor.source(),
                AuditLog.Outcome.SUCCESS, number.isEmpty() ? "cleared" : "rpps " + number);
        return get(userId);
    }

    /** Replaces both at once, as the administrator's form does: all or nothing. */
    @Transactional
    public Radiologist setCredentials(long userId, Collection<Long> hospitalIds, Collection<String> subspecialties,
                                      Actor actor) {
        setHospitals(userId, hospitalIds, actor);
        return setSubspecialties(userId, subspecialties, actor);
    }

    /** The administrator's form: hospitals, subspecialties and RPPS together, all or nothing. */
    @Transactional
    public Radiologist setCredentials(long userId, Collection<Long> hospitalIds, Collection<String> subspecialties,
                                      String rpps, Actor actor) {
        setRpps(userId, rpps, actor);
        return setCredentials(userId, hospitalIds, subspecialties, actor);
    }

    private static Subspecialty parse(String name) {
        String known = Arrays.stream(Subspecialty.values()).map(Enum::name).collect(Collectors.joining(", "));
        if (name == null || name.isBlank()) {
            throw new InvalidInputException(null, "credentials.subspecialty.unknown", "Unknown subspecialty", "", known);
        }
        try {
            return Subspecialty.valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            throw new InvalidInputException(null, "credentials.subspecialty.unknown",
                    "Unknown subspecialty " + name, name, known);
        }
    }

    private Account radiologistAccount(long userId) {
        Account account = accounts.get(userId);
        if (account.role() != Role.RADIOLOGIST) {
            throw new ConflictException(null, "credentials.notRadiologist",
                    "Account " + account.username() + " is not a radiologist's (" + account.role() + ")",
                    account.username(), account.role());
        }
        return account;
    }
}
