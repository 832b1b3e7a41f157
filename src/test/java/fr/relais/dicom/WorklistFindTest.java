package fr.relais.dicom;

import fr.relais.dicom.AssociationHandler.FindHandler;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The worklist C-FIND's answer to identifiers no scanner should send. */
class WorklistFindTest {

    private static final FindHandler ONE = () -> List.of(new WorklistItem("exam:1", "IPP1", "MARTIN^Paul",
            LocalDate.of(1950, 3, 14), "M", "ACC1", "2.25.1", "ACC1", "Scanner", "HIGH", "Dr X", "CT",
            List.of("CT1"), LocalDateTime.of(2026, 12, 2, 10, 0), "ACC1", "Crâne"));

    @Test
    void aTruncatedIdentifierIsRefusedAsUnparsable() {
        // (0010,0010) PN announcing 200 bytes, with 4.
        byte[] truncated = {0x10, 0x00, 0x10, 0x00, 'P', 'N', (byte) 200, 0, 'A', 'B', 'C', 'D'};

        WorklistFind.Answer answer = WorklistFind.answer(truncated, truncated.length, Uids.EXPLICIT_VR_LITTLE_ENDIAN, ONE);

        assertThat(answer.identifiers()).isEmpty();
        assertThat(answer.failure().code()).isEqualTo(0xC000);
        assertThat(answer.failure().comment()).contains("cannot be parsed");
    }

    @Test
    void garbageIsRefusedAsUnparsable() {
        byte[] garbage = "GET / HTTP/1.1\r\nHost: relais\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        WorklistFind.Answer answer = WorklistFind.answer(garbage, garbage.length, Uids.IMPLICIT_VR_LITTLE_ENDIAN, ONE);

        assertThat(answer.failure()).isNotNull();
        assertThat(answer.matched()).isEmpty();
    }

    @Test
    void anEmptyIdentifierMatchesEverythingAndReturnsNoKeyButTheCharacterSet() {
        WorklistFind.Answer answer = WorklistFind.answer(new byte[0], 0, Uids.EXPLICIT_VR_LITTLE_ENDIAN, ONE);

        assertThat(answer.failure()).isNull();
        assertThat(answer.matched()).hasSize(1);
        // (0008,0005) CS "ISO_IR 192" alone: the item's text is not ASCII, no key was asked.
        assertThat(answer.identifiers().get(0)).hasSize(8 + 10)
                .endsWith("ISO_IR 192".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
