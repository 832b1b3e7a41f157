package fr.relais.audit;

import com.fasterxml.jackson.databind.JsonNode;
import fr.relais.ApiClient;
import fr.relais.BaseIntegrationTest;
import fr.relais.security.Role;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditChainIT extends BaseIntegrationTest {

    @Autowired
    AuditLog audit;
    @Autowired
    AuditChain chain;

    @Test
    void theChainHoldsAndATamperedEntryIsFoundWhereItIs() {
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        audit.record(coordinator.username(), "TEST_READ", "exam:1", "127.0.0.1", AuditLog.Outcome.SUCCESS, "first");
        audit.record(coordinator.username(), "TEST_READ", "exam:2", "127.0.0.1", AuditLog.Outcome.SUCCESS, "second");
        chain.seal();
        assertThat(chain.verify().intact()).isTrue();
        long id = jdbc.sql("select id from audit_event where action = 'TEST_READ' and object = 'exam:2' and actor = :a")
                .param("a", coordinator.username()).query(Long.class).single();
        assertThat(jdbc.sql("select role from audit_event where id = :id").param("id", id).query(String.class).single())
                .isEqualTo("COORDINATOR");
        long sequence = jdbc.sql("select chain_seq from audit_event where id = :id").param("id", id).query(Long.class).single();

        // Someone with the database's owner rights turns the guard off and rewrites history.
        tamper("update audit_event set object = 'exam:3' where id = " + id);
        try {
            AuditChain.Verdict verdict = chain.verify();
            assertThat(verdict.intact()).isFalse();
            assertThat(verdict.brokenEntryId()).isEqualTo(id);
            assertThat(verdict.brokenAtSequence()).isEqualTo(sequence);
            assertThat(verdict.reason()).contains("fields");
        } finally {
            tamper("update audit_event set object = 'exam:2' where id = " + id);
        }
        assertThat(chain.verify().intact()).isTrue();
    }

    @Test
    void aRemovedEntryBreaksTheChain() {
        audit.record("system", "TEST_REMOVED", null, null, AuditLog.Outcome.SUCCESS, null);
        audit.record("system", "TEST_AFTER_REMOVED", null, null, AuditLog.Outcome.SUCCESS, null);
        chain.seal();
        record Row(long id, long chainSeq, java.time.OffsetDateTime at, String actor, String action, String outcome,
                   byte[] prevHash, byte[] hash) {}
        Row row = jdbc.sql("select id, chain_seq, at, actor, action, outcome, prev_hash, hash from audit_event where action = 'TEST_REMOVED'")
                .query(Row.class).single();
        tamper("delete from audit_event where id = " + row.id());
        try {
            AuditChain.Verdict verdict = chain.verify();
            assertThat(verdict.intact()).isFalse();
            assertThat(verdict.brokenAtSequence()).isEqualTo(row.chainSeq());
        } finally {
            owner().sql("alter table audit_event disable trigger audit_event_append_only").update();
            try {
                owner().sql("""
                        insert into audit_event (id, at, actor, action, outcome, chain_seq, prev_hash, hash)
                        values (:id, :at, :actor, :action, :outcome, :seq, :prev, :hash)""")
                        .param("id", row.id()).param("at", row.at()).param("actor", row.actor()).param("action", row.action())
                        .param("outcome", row.outcome()).param("seq", row.chainSeq()).param("prev", row.prevHash())
                        .param("hash", row.hash()).update();
            } finally {
                owner().sql("alter table audit_event enable trigger audit_event_append_only").update();
            }
        }
        assertThat(chain.verify().intact()).isTrue();
    }

    @Test
    void entriesRemovedFromTheEndAreSeenThroughTheHead() {
        audit.record("system", "TEST_TAIL", null, null, AuditLog.Outcome.SUCCESS, null);
        chain.seal();
        record Head(long chainSeq, byte[] hash) {}
        Head head = jdbc.sql("select chain_seq, hash from audit_chain_head").query(Head.class).single();
        // The last entry is taken out of the chain (as if removed): what remains links up without a gap.
        owner().sql("alter table audit_event disable trigger audit_event_append_only").update();
        try {
            owner().sql("update audit_event set chain_seq = -chain_seq where chain_seq = :s").param("s", head.chainSeq()).update();
            AuditChain.Verdict verdict = chain.verify();
            assertThat(verdict.intact()).isFalse();
            assertThat(verdict.reason()).contains("head");
            owner().sql("update audit_event set chain_seq = -chain_seq where chain_seq = :s").param("s", -head.chainSeq()).update();
        } finally {
            owner().sql("alter table audit_event enable trigger audit_event_append_only").update();
        }
        assertThat(chain.verify().intact()).isTrue();
    }

    @Test
    void theApplicationsRoleMayOnlyAddAndSealEntries() {
        audit.record("system", "TEST_GUARDED", null, null, AuditLog.Outcome.SUCCESS, null);
        long id = jdbc.sql("select max(id) from audit_event where action = 'TEST_GUARDED'").query(Long.class).single();
        assertThat(jdbc.sql("select current_user").query(String.class).single())
                .isNotEqualTo(owner().sql("select current_user").query(String.class).single());
        for (String sql : new String[] {"update audit_event set actor = 'x' where id = :id",
                "delete from audit_event where id = :id", "alter table audit_event disable trigger audit_event_append_only"}) {
            assertThatThrownBy(() -> jdbc.sql(sql).param("id", id).update()).as(sql).rootCause()
                    .hasMessageMatching("(?s).*(permission denied|must be owner).*").hasMessageNotContaining("append-only");
        }
        assertThatThrownBy(() -> jdbc.sql("truncate audit_event").update()).rootCause().hasMessageContaining("permission denied");
        assertThat(jdbc.sql("select actor from audit_event where id = :id").param("id", id).query(String.class).single())
                .isEqualTo("system");
        // Sealing is the one change it may make, and the chain still verifies.
        chain.seal();
        assertThat(chain.verify().intact()).isTrue();
    }

    @Test
    void theTableRefusesChangesAndRemovalsEvenToItsOwner() {
        audit.record("system", "TEST_GUARDED", null, null, AuditLog.Outcome.SUCCESS, null);
        long id = jdbc.sql("select max(id) from audit_event where action = 'TEST_GUARDED'").query(Long.class).single();
        assertThatThrownBy(() -> owner().sql("update audit_event set actor = 'x' where id = :id").param("id", id).update())
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> owner().sql("delete from audit_event where id = :id").param("id", id).update())
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> owner().sql("truncate audit_event").update()).hasMessageContaining("append-only");
        chain.seal();
        // Once sealed, not even the seal can be redone.
        assertThatThrownBy(() -> owner().sql("update audit_event set hash = hash where id = :id").param("id", id).update())
                .hasMessageContaining("append-only");
    }

    @Test
    void administratorsVerifySearchAndExportAndNobodyElseDoes() {
        TestAccount coordinator = createAccount(Role.COORDINATOR, null);
        audit.record(coordinator.username(), "TEST_SEARCHED", "exam:9", "10.0.0.1", AuditLog.Outcome.SUCCESS, "=cmd|' /C calc'!A0");

        JsonNode verdict = admin().post("/api/audit/verify", null).json();
        assertThat(verdict.get("intact").asBoolean()).isTrue();
        assertThat(verdict.get("sealed").asLong()).isPositive();

        JsonNode found = admin().get("/api/audit?actor=" + coordinator.username() + "&action=TEST_SEARCHED").json();
        assertThat(found).hasSize(1);
        assertThat(found.get(0).get("object").asText()).isEqualTo("exam:9");
        assertThat(found.get(0).get("role").asText()).isEqualTo("COORDINATOR");
        ApiClient.Response csv = admin().get("/api/audit/export.csv?actor=" + coordinator.username());
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.body()).startsWith("id,sequence,at,actor").contains("TEST_SEARCHED").contains("'=cmd");

        assertThat(admin().get("/api/audit?from=yesterday").status()).isEqualTo(400);
        assertThat(admin().get("/api/audit?limit=0").status()).isEqualTo(400);
        assertThat(as(coordinator).get("/api/audit").status()).isEqualTo(403);
        assertThat(as(coordinator).post("/api/audit/verify", null).status()).isEqualTo(403);
    }

    @Test
    void aHospitalsDataIsFollowedWhoeverReadIt() {
        long hospital = createHospital(unique("CH Audit"), uniqueAeTitle("AUD"));
        TestAccount physician = createAccount(Role.HOSPITAL_PHYSICIAN, hospital);
        long exam = fr.relais.request.RequestFixtures.file(as(physician),
                fr.relais.request.RequestFixtures.headCt("IPP-AUD", "PATIENT_SIGNED")).get("id").asLong();
        TestAccount radiologist = createAccount(Role.RADIOLOGIST, null);
        authorise(radiologist, hospital);
        // A radiologist has no hospital of his own: his reading is filed under the hospital whose request it is.
        assertThat(as(radiologist).get("/api/requests/" + exam).status()).isEqualTo(200);
        TestAccount outsider = createAccount(Role.HOSPITAL_PHYSICIAN, createHospital(unique("CH Autre"), uniqueAeTitle("AUT")));
        assertThat(as(outsider).get("/api/requests/" + exam).status()).isEqualTo(404);

        JsonNode ours = admin().get("/api/audit?hospital=" + hospital + "&object=exam:" + exam).json();
        assertThat(ours.findValuesAsText("actor")).contains(physician.username(), radiologist.username(), outsider.username());
        assertThat(ours.findValuesAsText("hospitalId")).containsOnly(String.valueOf(hospital));
        JsonNode refused = admin().get("/api/audit?hospital=" + hospital + "&outcome=REJECTED").json();
        assertThat(refused).hasSize(1);
        assertThat(refused.get(0).get("actor").asText()).isEqualTo(outsider.username());
        assertThat(refused.get(0).get("action").asText()).isEqualTo("REQUEST_ACCESS_DENIED");

        audit.record("dicom:SOME_CT", "TEST_HOSPITAL_OBJECT", "hospital:" + hospital, null, AuditLog.Outcome.SUCCESS, null);
        assertThat(admin().get("/api/audit?hospital=" + hospital + "&action=TEST_HOSPITAL_OBJECT").json()).hasSize(1);
        assertThat(admin().get("/api/audit?hospital=CH").status()).isEqualTo(400);
        assertThat(admin().get("/api/audit?outcome=MAYBE").status()).isEqualTo(400);
        String page = admin().get("/admin/audit?hospital=" + hospital + "&outcome=REJECTED").body();
        page = page.substring(page.indexOf("id=\"audit-entries\"")); // the filters list every user by name
        assertThat(page).contains(outsider.username()).doesNotContain(radiologist.username());
    }

    @Test
    void theExportHoldsEveryMatchingEntryPageAfterPage() {
        String action = "TEST_MANY_" + System.nanoTime();
        jdbc.sql("""
                insert into audit_event (at, actor, action, object, outcome, detail)
                select now(), 'system', :action, 'exam:' || n, 'SUCCESS', 'n=' || n from generate_series(1, 12001) n""")
                .param("action", action).update();
        ApiClient.Response csv = admin().get("/api/audit/export.csv?action=" + action);
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        List<String> lines = csv.body().lines().toList();
        assertThat(lines).hasSize(12002); // the header and every entry, past one page and past the search's limit
        assertThat(lines.stream().skip(1).map(l -> l.substring(l.lastIndexOf(",n=") + 3)).distinct().count()).isEqualTo(12001);
        assertThat(admin().get("/api/audit/export.csv?from=tomorrow").status()).isEqualTo(400);
        assertThat(jdbc.sql("select detail from audit_event where action = 'AUDIT_EXPORTED' order by id desc limit 1")
                .query(String.class).single()).isEqualTo("12001 entries");
    }

    private void tamper(String sql) {
        owner().sql("alter table audit_event disable trigger audit_event_append_only").update();
        try {
            owner().sql(sql).update();
        } finally {
            owner().sql("alter table audit_event enable trigger audit_event_append_only").update();
        }
    }
}
