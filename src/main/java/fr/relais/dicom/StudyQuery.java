package fr.relais.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.TagFromName;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks a PACS for a patient's studies and has them sent (Study Root Query/Retrieve, PS3.4 C.4):
 * C-FIND at study level by patient ID (and a first study date), then one C-MOVE per study to a
 * destination AE title, all on one association.
 */
public final class StudyQuery {

    /** A study as the PACS describes it; patientName is a DICOM PN. */
    public record StudyFound(String studyInstanceUid, LocalDate studyDate, String description, String modalities,
                             String accessionNumber, String patientId, String patientName, LocalDate birthDate,
                             String sex) {}

    /** A PACS that refused, failed or could not be reached, with what it said. */
    public static final class PacsException extends IOException {
        private final int status;

        PacsException(String message, int status) {
            super(message);
            this.status = status;
        }

        /** The DIMSE status the PACS answered, -1 when it did not answer. */
        public int status() {
            return status;
        }
    }

    private static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;
    private static final AttributeTag MODALITIES_IN_STUDY = new AttributeTag(0x0008, 0x0061);

    private final StoreScu scu;

    public StudyQuery(String host, int port, String callingAe, String calledAe, Duration timeout) {
        this.scu = new StoreScu(host, port, callingAe, calledAe, timeout);
    }

    /** One association for the query and its moves. */
    public Session open() throws IOException {
        return new Session(scu.open(List.of(Uids.STUDY_ROOT_FIND, Uids.STUDY_ROOT_MOVE)));
    }

    public static final class Session implements AutoCloseable {
        private final StoreScu.Session session;

        private Session(StoreScu.Session session) {
            this.session = session;
        }

        /** The patient's studies since {@code since} (null: all). */
        public List<StudyFound> studies(String patientId, LocalDate since) throws IOException {
            if (!session.accepts(Uids.STUDY_ROOT_FIND)) {
                throw new PacsException("the PACS does not answer Study Root queries (C-FIND)", -1);
            }
            StoreScu.FindResult result = session.find(Uids.STUDY_ROOT_FIND, ts -> identifier(ts, patientId, since));
            if (!result.succeeded()) {
                throw new PacsException(String.format("the PACS answered the query with status 0x%04X%s", result.status(),
                        result.comment() == null ? "" : " (" + result.comment() + ")"), result.status());
            }
            List<StudyFound> found = new ArrayList<>();
            for (byte[] data : result.identifiers()) {
                found.add(parse(data, result.transferSyntax()));
            }
            return found;
        }

        /** Has the PACS send one study to the destination AE title; the number of objects sent. */
        public int move(String studyInstanceUid, String destinationAe) throws IOException {
            if (!session.accepts(Uids.STUDY_ROOT_MOVE)) {
                throw new PacsException("the PACS does not retrieve by C-MOVE", -1);
            }
            StoreScu.MoveResult result = session.move(Uids.STUDY_ROOT_MOVE, destinationAe, ts -> moveIdentifier(ts, studyInstanceUid));
            if (!result.succeeded()) {
                throw new PacsException(String.format("the PACS answered the retrieval with status 0x%04X%s (%d sent, %d failed)",
                        result.status(), result.comment() == null ? "" : " (" + result.comment() + ")", result.completed(),
                        result.failed()), result.status());
            }
            return result.completed();
        }

        @Override
        public void close() throws IOException {
            session.close();
        }
    }

    private static byte[] identifier(String ts, String patientId, LocalDate since) throws IOException {
        AttributeList l = new AttributeList();
        put(l, TagFromName.QueryRetrieveLevel, "CS", "STUDY");
        put(l, TagFromName.PatientID, "LO", patientId);
        put(l, TagFromName.StudyDate, "DA", since == null ? null : DA.format(since) + "-");
        for (AttributeTag t : new AttributeTag[] {TagFromName.StudyInstanceUID, TagFromName.StudyDescription,
                TagFromName.AccessionNumber, TagFromName.PatientName, TagFromName.PatientBirthDate, TagFromName.PatientSex}) {
            put(l, t, null, null);
        }
        put(l, MODALITIES_IN_STUDY, "CS", null);
        return write(l, ts);
    }

    private static byte[] moveIdentifier(String ts, String studyInstanceUid) throws IOException {
        AttributeList l = new AttributeList();
        put(l, TagFromName.QueryRetrieveLevel, "CS", "STUDY");
        put(l, TagFromName.StudyInstanceUID, "UI", studyInstanceUid);
        return write(l, ts);
    }

    private static void put(AttributeList l, AttributeTag tag, String vr, String value) throws IOException {
        try {
            byte[] v = vr != null ? vr.getBytes(StandardCharsets.US_ASCII) : AttributeList.getDictionary().getValueRepresentationFromTag(tag);
            Attribute a = AttributeFactory.newAttribute(tag, v);
            if (value != null) {
                a.addValue(value);
            }
            l.put(a);
        } catch (DicomException e) {
            throw new IOException("cannot build the query: " + e.getMessage(), e);
        }
    }

    private static byte[] write(AttributeList l, String ts) throws IOException {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DicomOutputStream out = new DicomOutputStream(bytes, null, ts);
            l.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (DicomException e) {
            throw new IOException("cannot encode the query: " + e.getMessage(), e);
        }
    }

    private static StudyFound parse(byte[] data, String ts) throws PacsException {
        AttributeList l = new AttributeList();
        try {
            DataSetStructure.verify(data, 0, data.length, ts);
            l.read(new DicomInputStream(new ByteArrayInputStream(data), ts, false));
        } catch (DicomHeader.InvalidObjectException | IOException | DicomException | RuntimeException e) {
            throw new PacsException("the PACS answered with an identifier that cannot be parsed", -1);
        }
        return new StudyFound(s(l, TagFromName.StudyInstanceUID), PatientDate.of(s(l, TagFromName.StudyDate)),
                s(l, TagFromName.StudyDescription), Attribute.getDelimitedStringValuesOrEmptyString(l, MODALITIES_IN_STUDY),
                s(l, TagFromName.AccessionNumber), s(l, TagFromName.PatientID), s(l, TagFromName.PatientName),
                PatientDate.of(s(l, TagFromName.PatientBirthDate)), s(l, TagFromName.PatientSex));
    }

    private static String s(AttributeList l, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(l, tag).trim();
    }

    /** A DA value, null when absent or malformed. */
    private static final class PatientDate {
        static LocalDate of(String da) {
            try {
                return da == null || da.length() != 8 ? null : LocalDate.parse(da, DA);
            } catch (java.time.format.DateTimeParseException e) {
                return null;
            }
        }
    }
}
