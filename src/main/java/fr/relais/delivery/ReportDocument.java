package fr.relais.delivery;

import fr.relais.hospital.Hospital;
import fr.relais.report.SignedReport;

import java.time.ZoneId;

/**
 * A signed report with what the documents for the hospital also need: the hospital itself (its
 * name heads the PDF), the label of the critical category in French and the hospital's zone, which
 * dates the PDF and the HL7 message. Holds the patient's identity: never log it.
 */
record ReportDocument(SignedReport report, Hospital hospital, String criticalLabel, ZoneId zone) {

    /** The number of the revision: 0 for the signature, then one more for each addendum. */
    int revision() {
        return report.addenda().size();
    }
}
