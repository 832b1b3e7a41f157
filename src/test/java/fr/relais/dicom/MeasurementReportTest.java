package fr.relais.dicom;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An engine's SR measurement report, written and read back; what is wrong with a bad one is said. */
class MeasurementReportTest {

    private static MeasurementReport.Report report(List<MeasurementReport.Finding> findings) {
        return new MeasurementReport.Report("1.2.826.0.1.3680043.10.1", "1.2.826.0.1.3680043.10.2",
                "1.2.826.0.1.3680043.10.3", "IPP-1", "DOE^John", findings);
    }

    @Test
    void aReportReadsBackWithItsFindingsScoresImpressionsAndKeySlicesInEitherSyntax() throws Exception {
        MeasurementReport.Report written = report(List.of(
                new MeasurementReport.Finding("ICH", 0.93, true, List.of(
                        new MeasurementReport.KeyImage("1.2.840.10008.5.1.4.1.1.2", "1.2.826.0.1.3680043.10.7", null))),
                new MeasurementReport.Finding("PE", 0.02, false, List.of()),
                new MeasurementReport.Finding("MASS_EFFECT", 3.5, null, List.of(
                        new MeasurementReport.KeyImage("1.2.840.10008.5.1.4.1.1.2", "1.2.826.0.1.3680043.10.8", 4)))));
        for (String syntax : List.of(Uids.EXPLICIT_VR_LITTLE_ENDIAN, Uids.IMPLICIT_VR_LITTLE_ENDIAN)) {
            byte[] data = MeasurementReport.dataSet(written, syntax);
            assertThat(MeasurementReport.parse(syntax, data, data.length)).as(syntax).isEqualTo(written);
        }
    }

    @Test
    void aBadReportIsRefusedWithTheReason() throws Exception {
        String ts = Uids.EXPLICIT_VR_LITTLE_ENDIAN;
        byte[] noFinding = MeasurementReport.dataSet(report(List.of()), ts);
        assertThatThrownBy(() -> MeasurementReport.parse(ts, noFinding, noFinding.length))
                .hasMessageContaining("no measurement group with a Finding");
        byte[] noScore = MeasurementReport.dataSet(report(List.of(new MeasurementReport.Finding("ICH", null, null, List.of()))), ts);
        assertThatThrownBy(() -> MeasurementReport.parse(ts, noScore, noScore.length))
                .hasMessageContaining("neither a score");
        byte[] lowerCase = MeasurementReport.dataSet(report(List.of(new MeasurementReport.Finding("bleed?", 1.0, null, List.of()))), ts);
        assertThatThrownBy(() -> MeasurementReport.parse(ts, lowerCase, lowerCase.length))
                .hasMessageContaining("is not one Relais knows");
        byte[] truncated = java.util.Arrays.copyOf(MeasurementReport.dataSet(report(List.of(
                new MeasurementReport.Finding("ICH", 1.0, null, List.of()))), ts), 200);
        assertThatThrownBy(() -> MeasurementReport.parse(ts, truncated, truncated.length))
                .isInstanceOf(DicomHeader.InvalidObjectException.class);
        assertThat(MeasurementReport.isStructuredReport("1.2.840.10008.5.1.4.1.1.2")).as("CT image").isFalse();
    }
}
