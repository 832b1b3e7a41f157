package fr.relais.intake;

import fr.relais.BaseIntegrationTest;
import fr.relais.dicom.RawScu;
import fr.relais.support.Await;
import fr.relais.support.Dcmtk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The DICOM port cannot be exhausted: stalled connections are dropped by the ARTIM timer (2 s on
 * the shared test server) and never hold an association slot, and one hospital cannot take every
 * slot. Attackers play from other loopback addresses (127.0.0.0/8).
 */
class DicomDoorLimitsIT extends BaseIntegrationTest {

    private final List<Socket> opened = new ArrayList<>();
    private final List<RawScu> associations = new ArrayList<>();

    @AfterEach
    void closeEverything() throws IOException {
        for (Socket s : opened) {
            s.close();
        }
        for (RawScu scu : associations) {
            scu.close();
        }
    }

    /** A connection that sends the first 6 bytes of an A-ASSOCIATE-RQ and then nothing. */
    private Socket stalled(String from) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), dicomDoor.port(), InetAddress.getByName(from), 0);
        socket.getOutputStream().write(new byte[] {1, 0, 0, 0, 0, (byte) 200});
        socket.getOutputStream().flush();
        opened.add(socket);
        return socket;
    }

    private static boolean closedByServer(Socket socket) {
        try {
            socket.setSoTimeout(50);
            InputStream in = socket.getInputStream();
            return in.read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private int echo(String ae) {
        try {
            return Dcmtk.echoscu(dicomDoor.port(), ae, "RELAIS").exitCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aFloodOfStalledConnectionsFromElsewhereDoesNotKeepAHospitalOut() throws Exception {
        String ae = uniqueAeTitle("FLOOD_OK");
        createHospital(unique("CH Inondé"), ae);
        for (int i = 0; i < 70; i++) {
            stalled("127.0.0.66");
        }
        // While the 70 stall, the hospital associates and stores.
        assertThat(Dcmtk.echoscu(dicomDoor.port(), ae, "RELAIS").exitCode()).isZero();
        // And the ARTIM timer ends every stalled connection.
        Await.until("the ARTIM timer to close the stalled connections",
                () -> opened.stream().filter(s -> !closedByServer(s)).count(), open -> open == 0);
    }

    @Test
    void stalledConnectionsFromTheHospitalsOwnAddressAreDroppedByTheArtimTimerThenItGetsThrough() throws Exception {
        String ae = uniqueAeTitle("FLOOD_SAME");
        createHospital(unique("CH Même adresse"), ae);
        for (int i = 0; i < 70; i++) {
            stalled("127.0.0.1");
        }
        Await.until("the ARTIM timer to close the stalled connections",
                () -> opened.stream().filter(s -> !closedByServer(s)).count(), open -> open == 0);
        assertThat(Dcmtk.echoscu(dicomDoor.port(), ae, "RELAIS").exitCode()).isZero();
    }

    @Test
    void anAeTitleWithControlCharactersIsRejectedAsNoOnes() throws Exception {
        // Found by the fuzzer (FuzzIT): a NUL in the calling AE title reached the database and failed there.
        assertThatThrownBy(() -> RawScu.associate("127.0.0.1", dicomDoor.port(), "FU\0Z_7", "RELAIS").close())
                .hasMessageContaining("PDU type 3, reason 3");
        assertThatThrownBy(() -> RawScu.associate("127.0.0.1", dicomDoor.port(), "CT\\PAU", "RELAIS").close())
                .hasMessageContaining("PDU type 3, reason 3");
    }

    @Test
    void oneHospitalCannotTakeEverySlot() throws Exception {
        String greedy = uniqueAeTitle("GREEDY");
        createHospital(unique("CH Gourmand"), greedy);
        String other = uniqueAeTitle("POLITE");
        createHospital(unique("CH Poli"), other);
        for (int i = 0; i < 16; i++) {
            associations.add(RawScu.associate("127.0.0.1", dicomDoor.port(), greedy, "RELAIS"));
        }
        // The seventeenth: "local limit exceeded" (rejected-transient, reason 2), retry later.
        assertThatThrownBy(() -> RawScu.associate("127.0.0.1", dicomDoor.port(), greedy, "RELAIS"))
                .hasMessageContaining("PDU type 3, reason 2");
        assertThat(jdbc.sql("""
                        select count(*) from audit_event
                        where actor = :a and action = 'DICOM_ASSOCIATION' and detail like 'local limit exceeded%'""")
                .param("a", "dicom:" + greedy).query(Long.class).single()).isEqualTo(1);
        assertThat(Dcmtk.echoscu(dicomDoor.port(), other, "RELAIS").exitCode()).isZero();
        associations.remove(0).release();
        Await.until("a slot of the greedy hospital to be free again", () -> echo(greedy), exit -> exit == 0);
    }
}
