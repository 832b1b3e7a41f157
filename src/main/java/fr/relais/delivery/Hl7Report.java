package fr.relais.delivery;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v251.datatype.ED;
import ca.uhn.hl7v2.model.v251.datatype.ST;
import ca.uhn.hl7v2.model.v251.datatype.TX;
import ca.uhn.hl7v2.model.v251.group.ORU_R01_ORDER_OBSERVATION;
import ca.uhn.hl7v2.model.v251.group.ORU_R01_PATIENT_RESULT;
import ca.uhn.hl7v2.model.v251.message.ACK;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.model.v251.segment.MSH;
import ca.uhn.hl7v2.model.v251.segment.OBR;
import ca.uhn.hl7v2.model.v251.segment.OBX;
import ca.uhn.hl7v2.model.v251.segment.PID;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.validation.impl.NoValidation;
import fr.relais.report.SignedReport;
import fr.relais.request.RequestView;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * The report as an HL7 v2.5.1 ORU^R01 for the hospital's RIS: PID from the request (the hospital's
 * identity of the patient), OBR with the accession number as placer and filler order, one OBX
 * per section (lines as repetitions of a TX value), the critical finding flagged, and the PDF as
 * an ED value. A report corrected by addendum goes again with result status C.
 */
final class Hl7Report {

    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyyMMddHHmmssZ");
    private static final HapiContext HAPI = new DefaultHapiContext(new NoValidation());

    private Hl7Report() {}

    /** The answer of the receiver: MSA-1 and the control id it acknowledges. */
    record Acknowledgement(String code, String controlId, String text) {}

    static String oru(ReportDocument d, byte[] pdf, String controlId, String sendingApplication, String receivingApplication) {
        SignedReport r = d.report();
        RequestView q = r.request();
        ZoneId zone = d.zone();
        String status = d.revision() == 0 ? "F" : "C";
        try {
            ORU_R01 oru = new ORU_R01();
            oru.setParser(HAPI.getPipeParser());
            oru.initQuickstart("ORU", "R01", "P");
            MSH msh = oru.getMSH();
            msh.getSendingApplication().getNamespaceID().setValue(sendingApplication);
            msh.getSendingFacility().getNamespaceID().setValue(sendingApplication);
            msh.getReceivingApplication().getNamespaceID().setValue(receivingApplication);
            msh.getReceivingFacility().getNamespaceID().setValue(d.hospital().finess());
            msh.getDateTimeOfMessage().getTime().setValue(ts(Instant.now(), zone));
            msh.getMessageControlID().setValue(controlId);
            msh.getCharacterSet(0).setValue("UNICODE UTF-8");

            ORU_R01_PATIENT_RESULT result = oru.getPATIENT_RESULT();
            PID pid = result.getPATIENT().getPID();
            pid.getSetIDPID().setValue("1");
            pid.getPatientIdentifierList(0).getIDNumber().setValue(q.patientId());
            pid.getPatientIdentifierList(0).getIdentifierTypeCode().setValue("PI");
            pid.getPatientName(0).getFamilyName().getSurname().setValue(q.familyName());
            pid.getPatientName(0).getGivenName().setValue(q.givenName());
            if (q.birthDate() != null) {
                pid.getDateTimeOfBirth().getTime().setValue(q.birthDate().format(DateTimeFormatter.BASIC_ISO_DATE));
            }
            if (q.sex() != null) {
                pid.getAdministrativeSex().setValue(q.sex());
            }

            ORU_R01_ORDER_OBSERVATION order = result.getORDER_OBSERVATION();
            OBR obr = order.getOBR();
            obr.getSetIDOBR().setValue("1");
            obr.getPlacerOrderNumber().getEntityIdentifier().setValue(q.accessionNumber());
            obr.getFillerOrderNumber().getEntityIdentifier().setValue(q.accessionNumber());
            obr.getUniversalServiceIdentifier().getIdentifier().setValue(q.examTypeCode());
            obr.getUniversalServiceIdentifier().getText().setValue(q.examTypeLabel());
            obr.getUniversalServiceIdentifier().getNameOfCodingSystem().setValue("L");
            obr.getObservationDateTime().getTime().setValue(ts(q.lastImageAt() != null ? q.lastImageAt() : r.signedAt(), zone));
            obr.getOrderingProvider(0).getFamilyName().getSurname().setValue(q.requestingPhysician());
            obr.getResultsRptStatusChngDateTime().getTime().setValue(ts(latest(r), zone));
            obr.getDiagnosticServSectID().setValue("CT");
            obr.getResultStatus().setValue(status);
            obr.getPrincipalResultInterpreter().getNDLName().getIDNumber().setValue(String.valueOf(r.signedById()));
            obr.getPrincipalResultInterpreter().getNDLName().getFamilyName().setValue(r.signedByName());

            int k = 0;
            k = text(oru, order, k, "INDICATION", "Indication", r.indication(), status, zone, r, null);
            k = text(oru, order, k, "TECHNIQUE", "Technique", r.technique(), status, zone, r, null);
            k = text(oru, order, k, "FINDINGS", "Résultats", r.findings(), status, zone, r, null);
            k = text(oru, order, k, "IMPRESSION", "Conclusion", r.conclusion(), status, zone, r, r.critical() ? "AA" : null);
            if (r.critical()) {
                k = text(oru, order, k, "CRITICAL", "Résultat critique", d.criticalLabel(), status, zone, r, "AA");
            }
            for (var addendum : r.addenda()) {
                k = text(oru, order, k, "ADDENDUM", "Addendum " + addendum.authorName(), addendum.body(), status, zone, r, null);
            }
            OBX obx = order.getOBSERVATION(k).getOBX();
            obx.getSetIDOBX().setValue(String.valueOf(k + 1));
            obx.getValueType().setValue("ED");
            obx.getObservationIdentifier().getIdentifier().setValue("PDF");
            obx.getObservationIdentifier().getText().setValue("Compte rendu PDF");
            obx.getObservationIdentifier().getNameOfCodingSystem().setValue("L");
            ED ed = new ED(oru);
            ed.getSourceApplication().getNamespaceID().setValue(sendingApplication);
            ed.getTypeOfData().setValue("AP");
            ed.getDataSubtype().setValue("PDF");
            ed.getEncoding().setValue("Base64");
            ed.getData().setValue(Base64.getEncoder().encodeToString(pdf));
            obx.getObservationValue(0).setData(ed);
            obx.getObservationResultStatus().setValue(status);
            return oru.encode();
        } catch (HL7Exception | IOException e) {
            throw new IllegalStateException("could not build the ORU of report " + r.reportId(), e);
        }
    }

    private static int text(ORU_R01 oru, ORU_R01_ORDER_OBSERVATION order, int k, String code, String label, String text,
                            String status, ZoneId zone, SignedReport r, String abnormalFlag) throws HL7Exception {
        OBX obx = order.getOBSERVATION(k).getOBX();
        obx.getSetIDOBX().setValue(String.valueOf(k + 1));
        obx.getValueType().setValue("TX");
        obx.getObservationIdentifier().getIdentifier().setValue(code);
        obx.getObservationIdentifier().getText().setValue(label);
        obx.getObservationIdentifier().getNameOfCodingSystem().setValue("L");
        String[] lines = (text == null || text.isEmpty() ? " " : text).split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            TX tx = new TX(oru);
            tx.setValue(lines[i].isEmpty() ? " " : lines[i]);
            obx.getObservationValue(i).setData(tx);
        }
        if (abnormalFlag != null) {
            obx.getAbnormalFlags(0).setValue(abnormalFlag);
        }
        obx.getObservationResultStatus().setValue(status);
        obx.getDateTimeOfTheObservation().getTime().setValue(ts(r.signedAt(), zone));
        obx.getResponsibleObserver(0).getIDNumber().setValue(String.valueOf(r.signedById()));
        obx.getResponsibleObserver(0).getFamilyName().getSurname().setValue(r.signedByName());
        return k + 1;
    }

    private static Instant latest(SignedReport r) {
        return r.addenda().isEmpty() ? r.signedAt() : r.addenda().get(r.addenda().size() - 1).signedAt();
    }

    private static String ts(Instant at, ZoneId zone) {
        return TS.format(at.atZone(zone));
    }

    /** MSA of an ACK; a parse error or another message type is an IOException. */
    /** An NMD^N02 network management message: for a connection test, nothing for the RIS to file. */
    static String networkTest(String controlId, String sendingApplication, String receivingApplication) {
        String now = DateTimeFormatter.ofPattern("yyyyMMddHHmmssZ").format(java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC));
        return "MSH|^~\\&|" + sendingApplication + "|" + sendingApplication + "|" + receivingApplication + "||" + now
                + "||NMD^N02^NMD_N02|" + controlId + "|P|2.5.1\r"
                + "NCK|" + now + "\r";
    }

    static Acknowledgement acknowledgement(String answer) throws IOException {
        try {
            Message message = HAPI.getPipeParser().parse(answer.replace("\n", "\r"));
            if (!(message instanceof ACK ack)) {
                throw new IOException("answer is a " + message.getName() + ", not an ACK");
            }
            ST text = ack.getMSA().getTextMessage();
            return new Acknowledgement(ack.getMSA().getAcknowledgmentCode().getValue(),
                    ack.getMSA().getMessageControlID().getValue(), text.getValue());
        } catch (HL7Exception e) {
            throw new IOException("answer is not an HL7 message: " + e.getMessage(), e);
        }
    }

    static PipeParser parser() {
        return HAPI.getPipeParser();
    }
}
