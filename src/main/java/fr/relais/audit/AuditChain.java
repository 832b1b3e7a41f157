package fr.relais.audit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;

/**
 * Links the audit entries into a hash chain, and checks it. Writing an entry stays a plain insert
 * (no lock on the hot paths); every second a sealer takes the entries not sealed yet, in id order,
 * and gives each its place (chain_seq), the hash of the entry before and its own hash: SHA-256 of
 * that previous hash and of the entry's fields, each length-prefixed. One sealer at a time across
 * instances (an advisory lock). Verification recomputes every hash from the stored fields: a
 * changed field, a removed or an inserted entry breaks the chain where it happened, and the head
 * kept apart (audit_chain_head) shows entries removed from the end.
 */
@Service
public class AuditChain {

    private static final Logger log = LoggerFactory.getLogger(AuditChain.class);
    private static final byte[] GENESIS = new byte[32];
    private static final int BATCH = 1000;

    /** What a verification found: the first broken entry, if any. */
    public record Verdict(boolean intact, long sealed, long unsealed, Long brokenAtSequence, Long brokenEntryId,
                          String reason) {}

    private record Entry(long id, Long sequence, OffsetDateTime at, String actor, String action, String object,
                         String source, String outcome, String detail, String role, Long hospitalId,
                         byte[] prevHash, byte[] hash) {}

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    AuditChain(JdbcClient jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    @Scheduled(fixedDelayString = "${relais.audit.seal-millis:1000}")
    void sealPeriodically() {
        try {
            seal();
        } catch (RuntimeException e) {
            log.warn("audit sealing failed, trying again: {}", e.toString());
        }
    }

    /** Seals what is not sealed yet; returns how many entries were sealed. */
    public int seal() {
        int total = 0;
        int sealed;
        do {
            sealed = tx.execute(status -> sealBatch());
            total += sealed;
        } while (sealed == BATCH);
        return total;
    }

    private int sealBatch() {
        jdbc.sql("select pg_advisory_xact_lock(hashtext('relais.audit.chain'))").query().singleRow();
        List<Entry> last = jdbc.sql("select * from audit_event where chain_seq is not null order by chain_seq desc limit 1")
                .query(AuditChain::entry).list();
        long sequence = last.isEmpty() ? 0 : last.get(0).sequence();
        byte[] previous = last.isEmpty() ? GENESIS : last.get(0).hash();
        List<Entry> pending = jdbc.sql("select * from audit_event where hash is null order by id limit " + BATCH)
                .query(AuditChain::entry).list();
        for (Entry e : pending) {
            sequence++;
            byte[] hash = hash(previous, e);
            jdbc.sql("update audit_event set chain_seq = :seq, prev_hash = :prev, hash = :hash where id = :id")
                    .param("seq", sequence).param("prev", previous).param("hash", hash).param("id", e.id()).update();
            previous = hash;
        }
        if (!pending.isEmpty()) {
            jdbc.sql("""
                    insert into audit_chain_head (id, chain_seq, hash, sealed_at) values (1, :seq, :hash, now())
                    on conflict (id) do update set chain_seq = excluded.chain_seq, hash = excluded.hash,
                                                   sealed_at = excluded.sealed_at""")
                    .param("seq", sequence).param("hash", previous).update();
        }
        return pending.size();
    }

    /** Walks the whole chain in order, recomputing each hash. */
    public Verdict verify() {
        long unsealed = jdbc.sql("select count(*) from audit_event where hash is null").query(Long.class).single();
        long expected = 1;
        byte[] previous = GENESIS;
        long afterSequence = 0;
        while (true) {
            List<Entry> page = jdbc.sql("select * from audit_event where chain_seq > :after order by chain_seq limit 5000")
                    .param("after", afterSequence).query(AuditChain::entry).list();
            if (page.isEmpty()) {
                break;
            }
            for (Entry e : page) {
                if (e.sequence() != expected) {
                    return new Verdict(false, expected - 1, unsealed, expected, e.id(),
                            "entry " + expected + " of the chain is missing");
                }
                if (!Arrays.equals(e.prevHash(), previous)) {
                    return new Verdict(false, expected - 1, unsealed, e.sequence(), e.id(),
                            "the link to the entry before does not match");
                }
                if (!Arrays.equals(e.hash(), hash(previous, e))) {
                    return new Verdict(false, expected - 1, unsealed, e.sequence(), e.id(),
                            "the entry's fields do not match its hash");
                }
                previous = e.hash();
                expected++;
                afterSequence = e.sequence();
            }
        }
        long sealed = expected - 1;
        List<byte[]> head = jdbc.sql("select hash from audit_chain_head where id = 1 and chain_seq = :seq")
                .param("seq", sealed).query((rs, n) -> rs.getBytes(1)).list();
        boolean headMatches = sealed == 0 ? jdbc.sql("select count(*) from audit_chain_head").query(Long.class).single() == 0
                : head.size() == 1 && Arrays.equals(head.get(0), previous);
        if (!headMatches) {
            return new Verdict(false, sealed, unsealed, sealed + 1, null,
                    "the chain ends before its recorded head: the last entries are missing");
        }
        return new Verdict(true, sealed, unsealed, null, null, null);
    }

    static byte[] hash(byte[] previous, Entry e) {
        ByteArrayOutputStream fields = new ByteArrayOutputStream(256);
        field(fields, String.valueOf(e.id()));
        field(fields, String.valueOf(ChronoUnit.MICROS.between(java.time.Instant.EPOCH, e.at().toInstant())));
        field(fields, e.actor());
        field(fields, e.action());
        field(fields, e.object());
        field(fields, e.source());
        field(fields, e.outcome());
        field(fields, e.detail());
        field(fields, e.role());
        field(fields, e.hospitalId() == null ? null : String.valueOf(e.hospitalId()));
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(previous);
            return sha.digest(fields.toByteArray());
        } catch (NoSuchAlgorithmException e2) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e2);
        }
    }

    /** A null and an empty field differ: -1 for null, else the UTF-8 length, then the bytes. */
    private static void field(ByteArrayOutputStream out, String value) {
        byte[] bytes = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
        int length = bytes == null ? -1 : bytes.length;
        out.write(length >>> 24);
        out.write(length >>> 16);
        out.write(length >>> 8);
        out.write(length);
        if (bytes != null) {
            out.writeBytes(bytes);
        }
    }

    private static Entry entry(ResultSet rs, int n) throws SQLException {
        return new Entry(rs.getLong("id"), (Long) rs.getObject("chain_seq"), rs.getObject("at", OffsetDateTime.class),
                rs.getString("actor"), rs.getString("action"), rs.getString("object"), rs.getString("source"),
                rs.getString("outcome"), rs.getString("detail"), rs.getString("role"), (Long) rs.getObject("hospital_id"),
                rs.getBytes("prev_hash"), rs.getBytes("hash"));
    }
}
