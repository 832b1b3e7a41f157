package fr.relais.security;

import fr.relais.audit.AuditLog;
import fr.relais.platform.Actor;
import fr.relais.platform.RelaisProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

class FirstAdminTest {

    private final AccountService accounts = mock(AccountService.class);
    private final AuditLog audit = mock(AuditLog.class);
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private PrintStream originalOut;

    @BeforeEach
    void captureStandardOutput() {
        originalOut = System.out;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        when(accounts.create(any(), any())).thenReturn(new Account(1, "admin", "Administrateur", Role.ADMIN, null, null,
                true, OffsetDateTime.now()));
    }

    @AfterEach
    void restoreStandardOutput() {
        System.setOut(originalOut);
    }

    private FirstAdmin firstAdmin(String configuredPassword) {
        RelaisProperties properties = new RelaisProperties(Path.of("data"), null, configuredPassword, null, null, null, null);
        return new FirstAdmin(accounts, properties, audit);
    }

    @Test
    void withoutAConfiguredPasswordARandomOneIsPrintedOnceInAFrame() {
        when(accounts.exists("admin")).thenReturn(false);

        firstAdmin("").run(null);

        ArgumentCaptor<NewAccount> created = ArgumentCaptor.forClass(NewAccount.class);
        verify(accounts).create(created.capture(), eq(Actor.SYSTEM));
        String password = created.getValue().password();
        assertThat(password).hasSizeGreaterThanOrEqualTo(20);
        assertThat(created.getValue().role()).isEqualTo(Role.ADMIN);
        assertThat(created.getValue().displayName()).isEqualTo("Administrateur");
        String printed = stdout.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("Initial admin password: " + password, "=".repeat(64));
        assertThat(printed.split(java.util.regex.Pattern.quote(password), -1)).hasSize(2);
        verify(audit).record(eq("system"), eq("INITIAL_ADMIN_CREATED"), eq("user:1"), any(), eq(AuditLog.Outcome.SUCCESS), any());
    }

    @Test
    void twoFirstStartsDrawDifferentPasswords() {
        when(accounts.exists("admin")).thenReturn(false);
        firstAdmin(null).run(null);
        firstAdmin(null).run(null);

        ArgumentCaptor<NewAccount> created = ArgumentCaptor.forClass(NewAccount.class);
        verify(accounts, org.mockito.Mockito.times(2)).create(created.capture(), any());
        assertThat(created.getAllValues().get(0).password()).isNotEqualTo(created.getAllValues().get(1).password());
    }

    @Test
    void aConfiguredPasswordIsUsedAndNeverPrinted() {
        when(accounts.exists("admin")).thenReturn(false);

        firstAdmin("operator-chosen-password").run(null);

        ArgumentCaptor<NewAccount> created = ArgumentCaptor.forClass(NewAccount.class);
        verify(accounts).create(created.capture(), any());
        assertThat(created.getValue().password()).isEqualTo("operator-chosen-password");
        assertThat(stdout.toString(StandardCharsets.UTF_8)).doesNotContain("operator-chosen-password");
    }

    @Test
    void anExistingAdminIsLeftAlone() {
        when(accounts.exists("admin")).thenReturn(true);

        firstAdmin("").run(null);

        verify(accounts, never()).create(any(), any());
        assertThat(stdout.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
