package fr.relais;

import fr.relais.hospital.DemoHospitals;
import fr.relais.roster.DemoCenters;
import fr.relais.roster.DemoCredentials;
import fr.relais.roster.DemoShifts;
import fr.relais.billing.DemoSubscriptions;
import fr.relais.security.DemoAccounts;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The demo profile, in a context (and data folder) of its own. The admin password is the demo default. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("demo")
class DemoDataIT {

    private static final Path DATA_DIR = BaseIntegrationTest.newDataDir("relais-demo-it-");

    @DynamicPropertySource
    static void relaisProperties(DynamicPropertyRegistry registry) {
        registry.add("relais.data-dir", DATA_DIR::toString);
        registry.add("relais.dicom.port", () -> 0);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DemoHospitals demoHospitals;

    @Autowired
    DemoCenters demoCenters;

    @Autowired
    DemoAccounts demoAccounts;

    @Autowired
    DemoCredentials demoCredentials;

    @Autowired
    DemoShifts demoShifts;

    @Autowired
    DemoSubscriptions demoSubscriptions;

    private Map<String, String> aeTitleByHospital() {
        return jdbc.sql("select h.name, a.ae_title from hospital h join hospital_ae_title a on a.hospital_id = h.id")
                .query((rs, n) -> Map.entry(rs.getString(1), rs.getString(2))).list().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    @Test
    void demoSeedsTheThirteenHospitalsOfTheBordeauxNetworkWithTheirAeTitles() {
        Map<String, String> titles = aeTitleByHospital();

        assertThat(titles).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("CH Agen", "AGEN_CT"),
                Map.entry("CH Angoulême", "ANGOULEME_CT"),
                Map.entry("CH Dax", "DAX_CT"),
                Map.entry("CH Jonzac", "JONZAC_CT"),
                Map.entry("CH Marmande", "MARMANDE_CT"),
                Map.entry("CH Oloron", "OLORON_CT"),
                Map.entry("CH Orthez", "ORTHEZ_CT"),
                Map.entry("CH Pau", "PAU_CT"),
                Map.entry("CH Royan", "ROYAN_CT"),
                Map.entry("CH Saintonge", "SAINTONGE_CT"),
                Map.entry("CH Saint-Jean-d'Angély", "STJEAN_ANGELY_CT"),
                Map.entry("CH Villeneuve-sur-Lot", "VILLENEUVE_CT"),
                Map.entry("Clinique mutualiste de Pessac", "PESSAC_CT")));
        assertThat(titles.values()).allSatisfy(t -> assertThat(t.length()).isLessThanOrEqualTo(16));
        List<String> departments = jdbc.sql("select substr(finess, 1, 2) from hospital where name in ('CH Agen', 'CH Pau', 'Clinique mutualiste de Pessac') order by name")
                .query(String.class).list();
        assertThat(departments).containsExactly("47", "64", "33");
        assertThat(jdbc.sql("select count(*) from hospital where time_zone = 'Europe/Paris' and retention_days = 90")
                .query(Long.class).single()).isEqualTo(13);
    }

    @Test
    void demoSeedsThreeReadingCentersOfSevenSeats() {
        List<Map.Entry<String, Integer>> centers = jdbc.sql("select name, seats from reading_center order by name")
                .query((rs, n) -> Map.entry(rs.getString(1), rs.getInt(2))).list();

        assertThat(centers).containsExactly(
                Map.entry("Centre de garde Bordeaux", 7),
                Map.entry("Centre de garde Lyon", 7),
                Map.entry("Centre de garde Paris", 7));
    }

    @Test
    void demoAccountsLogInWithTheirPrintedPasswords() {
        for (DemoAccounts.DemoAccount account : DemoAccounts.ACCOUNTS) {
            int expected = switch (account.role()) {
                case COORDINATOR -> 200;
                default -> 403;
            };
            assertThat(new ApiClient(port, account.username(), account.password()).get("/api/hospitals").status())
                    .as(account.username()).isEqualTo(expected);
        }
        String pau = jdbc.sql("select h.name from app_user u join hospital h on h.id = u.hospital_id where u.username = 'urgentiste.pau'")
                .query(String.class).single();
        assertThat(pau).isEqualTo("CH Pau");
        assertThat(jdbc.sql("select role from app_user where username = 'manip.pau'").query(String.class).single())
                .isEqualTo("HOSPITAL_TECHNOLOGIST");
    }

    @Test
    void demoAdminHasTheDemoPasswordUnlessOneIsConfigured() {
        assumeTrue(System.getenv("RELAIS_ADMIN_PASSWORD") == null, "RELAIS_ADMIN_PASSWORD is set in this environment");

        assertThat(new ApiClient(port, "admin", "admin-relais").get("/api/users").status()).isEqualTo(200);
    }

    @Test
    void demoRadiologistsAreAuthorisedForEveryDemoHospitalWithTheirSubspecialties() {
        for (String username : List.of("radiologue", "radiologue2")) {
            assertThat(jdbc.sql("""
                    select count(*) from radiologist_hospital rh join app_user u on u.id = rh.user_id
                    where u.username = :u""").param("u", username).query(Long.class).single())
                    .as(username).isEqualTo(13);
        }
        assertThat(subspecialtiesOf("radiologue")).containsExactly("NEURO");
        assertThat(subspecialtiesOf("radiologue2")).containsExactly("THORACIC", "VASCULAR");
        assertThat(demoCredentials.seed()).isZero();
    }

    @Test
    void demoPlansNightsAndSubscriptionsAndGivesTheRadiologistsAnRpps() {
        assertThat(jdbc.sql("select rpps from app_user where username in ('radiologue', 'radiologue2') order by username")
                .query(String.class).list()).containsExactly("10001234565", "10002345675");
        assertThat(jdbc.sql("""
                select count(*) from planned_shift s join app_user u on u.id = s.user_id
                where u.username in ('radiologue', 'radiologue2') and s.withdrawn_at is null""")
                .query(Long.class).single()).isEqualTo(6);
        assertThat(jdbc.sql("select count(*) from subscription").query(Long.class).single()).isEqualTo(13);
        assertThat(demoShifts.seed()).isZero();
        assertThat(demoSubscriptions.seed()).isZero();
    }

    private List<String> subspecialtiesOf(String username) {
        return jdbc.sql("""
                select s.subspecialty from radiologist_subspecialty s join app_user u on u.id = s.user_id
                where u.username = :u order by s.subspecialty""").param("u", username).query(String.class).list();
    }

    @Test
    void seedingAgainChangesNothing() {
        long hospitals = count("hospital");
        long centers = count("reading_center");
        long users = count("app_user");

        assertThat(demoCenters.seed()).isZero();
        assertThat(demoHospitals.seed()).isZero();
        assertThat(demoAccounts.seed()).isZero();

        assertThat(count("hospital")).isEqualTo(hospitals).isEqualTo(13);
        assertThat(count("reading_center")).isEqualTo(centers).isEqualTo(3);
        assertThat(count("app_user")).isEqualTo(users).isEqualTo(1 + DemoAccounts.ACCOUNTS.size());
    }

    private long count(String table) {
        return jdbc.sql("select count(*) from " + table).query(Long.class).single();
    }
}
