package fr.relais.delivery;

import fr.relais.hospital.Hospital;
import fr.relais.report.SignedReport;

import java.time.ZoneId;

/**
 * A signed report with what the documents for the hospital also need: the hospital itself (its
 * name heads the PDF, its time zone dates it) and the label of the critical category in French.
 * Holds the patient's identity: never log it.
 */
record ReportDocument(SignedReport report, Hospital hospital, String criticalLabel) {

    ZoneId zone() {
        try {
            return ZoneId.of(hospital.timeZone());
        } catch (RuntimeException e) {
            return ZoneId.of("Europe/Paris");
        }
    }

    /** The number of the revision: 0 for the signature, then one more for each addendum. */
    int revision() {
        return report.addenda().size();
    }
}
