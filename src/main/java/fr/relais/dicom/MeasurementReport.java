package fr.relais.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import fr.relais.dicom.DicomHeader.InvalidObjectException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An AI engine's answer as a DICOM SR measurement report, after TID 1500: the root container
 * (DCM 126000 "Imaging Measurement Report") holds measurement groups (DCM 125007), each with a
 * CODE "Finding" (DCM 121071) naming what was looked for, a NUM whose value is the engine's score,
 * optionally a CODE "Impression" (DCM 121073: SCT 10828004 positive, 260385009 negative), and IMAGE
 * items referencing the key slices. Enhanced and Comprehensive SR (and Comprehensive 3D) are read.
 */
public final class MeasurementReport {

    public static final String ENHANCED_SR = "1.2.840.10008.5.1.4.1.1.88.22";
    public static final String COMPREHENSIVE_SR = "1.2.840.10008.5.1.4.1.1.88.33";
    private static final Set<String> SR_CLASSES = Set.of(ENHANCED_SR, COMPREHENSIVE_SR, "1.2.840.10008.5.1.4.1.1.88.34");

    /** A key slice: an image of the study, and its frame when it has several. */
    public record KeyImage(String sopClassUid, String sopInstanceUid, Integer frame) {}

    /** One finding: our code (ICH, PE, FRACTURE or the engine's own code), score, the engine's call, key slices. */
    public record Finding(String code, Double score, Boolean present, List<KeyImage> keyImages) {}

    /** What a report says, about which study. */
    public record Report(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid,
                         String patientId, String patientName, List<Finding> findings) {}

    // The few SNOMED CT codes engines use for what Relais triages; any other code must be ours (ICH, PE...).
    private static final Map<String, String> SNOMED = Map.of(
            "1386000", "ICH",        // intracranial hemorrhage
            "59282003", "PE",        // pulmonary embolism
            "125605004", "FRACTURE"); // fracture of bone
    private static final String POSITIVE = "10828004", NEGATIVE = "260385009";

    private MeasurementReport() {}

    public static boolean isStructuredReport(String sopClassUid) {
        return SR_CLASSES.contains(sopClassUid);
    }

    /** Reads a received SR data set (no file meta header); the exception says what is wrong with it. */
    public static Report parse(String transferSyntaxUid, byte[] data, int length) throws InvalidObjectException {
        DataSetStructure.verify(data, 0, length, transferSyntaxUid);
        AttributeList list = new AttributeList();
        try {
            list.read(new DicomInputStream(new ByteArrayInputStream(data, 0, length), transferSyntaxUid, false));
        } catch (IOException | DicomException | RuntimeException e) {
            throw new InvalidObjectException("SR data set cannot be parsed (truncated or corrupt)");
        }
        String sopClass = text(list, TagFromName.SOPClassUID);
        if (!isStructuredReport(sopClass)) {
            throw new InvalidObjectException("not an Enhanced or Comprehensive SR (SOP class " + sopClass + ")");
        }
        String study = text(list, TagFromName.StudyInstanceUID);
        if (!Uids.isValidUid(study)) {
            throw new InvalidObjectException("the SR names no valid Study Instance UID");
        }
        if (!"CONTAINER".equals(text(list, TagFromName.ValueType))) {
            throw new InvalidObjectException("the SR's root content item is not a CONTAINER");
        }
        List<Finding> findings = new ArrayList<>();
        collectGroups(list, findings);
        if (findings.isEmpty()) {
            throw new InvalidObjectException("the SR holds no measurement group with a Finding (CODE DCM 121071)");
        }
        return new Report(study, text(list, TagFromName.SeriesInstanceUID), text(list, TagFromName.SOPInstanceUID),
                text(list, TagFromName.PatientID), text(list, TagFromName.PatientName), List.copyOf(findings));
    }

    /** A container holding a Finding is a measurement group; others are searched deeper. */
    private static void collectGroups(AttributeList container, List<Finding> into) throws InvalidObjectException {
        List<AttributeList> children = children(container);
        String finding = null;
        Double score = null;
        Boolean present = null;
        List<KeyImage> keys = new ArrayList<>();
        for (AttributeList item : children) {
            String type = text(item, TagFromName.ValueType);
            String[] concept = code(item, TagFromName.ConceptNameCodeSequence);
            switch (type) {
                case "CODE" -> {
                    String[] value = code(item, TagFromName.ConceptCodeSequence);
                    if (is(concept, "DCM", "121071")) {
                        finding = findingCode(value);
                    } else if (is(concept, "DCM", "121073") && value != null) {
                        present = POSITIVE.equals(value[1]) ? Boolean.TRUE : NEGATIVE.equals(value[1]) ? Boolean.FALSE : null;
                    }
                }
                case "NUM" -> {
                    if (score == null) {
                        score = number(item);
                    }
                }
                case "IMAGE" -> keys.add(image(item));
                case "CONTAINER" -> collectGroups(item, into);
                default -> { }
            }
        }
        if (finding != null) {
            if (score == null && present == null) {
                throw new InvalidObjectException("finding " + finding + " has neither a score (NUM) nor an impression");
            }
            into.add(new Finding(finding, score, present, List.copyOf(keys)));
        }
    }

    private static String findingCode(String[] value) throws InvalidObjectException {
        if (value == null) {
            throw new InvalidObjectException("a Finding (DCM 121071) has no coded value");
        }
        if (("SCT".equals(value[0]) || "SRT".equals(value[0])) && SNOMED.containsKey(value[1])) {
            return SNOMED.get(value[1]);
        }
        String code = value[1].toUpperCase();
        if (!code.matches("[A-Z0-9_]{1,64}")) {
            throw new InvalidObjectException("finding code " + value[0] + " " + value[1] + " is not one Relais knows");
        }
        return code;
    }

    private static Double number(AttributeList item) throws InvalidObjectException {
        String value = SequenceAttribute.getSingleStringValueOfNamedAttributeFromWithinSequenceWithSingleItemOrEmptyString(
                item, TagFromName.MeasuredValueSequence, TagFromName.NumericValue).trim();
        try {
            double d = Double.parseDouble(value);
            if (!Double.isFinite(d) || d < 0) {
                throw new InvalidObjectException("score " + value + " is not a finite number ≥ 0");
            }
            return d;
        } catch (NumberFormatException e) {
            throw new InvalidObjectException("a NUM item has no numeric value");
        }
    }

    private static KeyImage image(AttributeList item) throws InvalidObjectException {
        AttributeList ref = SequenceAttribute.getAttributeListFromWithinSequenceWithSingleItem(item, TagFromName.ReferencedSOPSequence);
        String sop = ref == null ? "" : text(ref, TagFromName.ReferencedSOPInstanceUID);
        if (!Uids.isValidUid(sop)) {
            throw new InvalidObjectException("an IMAGE item references no valid SOP instance");
        }
        String frame = ref.get(TagFromName.ReferencedFrameNumber) == null ? ""
                : Attribute.getSingleStringValueOrEmptyString(ref, TagFromName.ReferencedFrameNumber).trim();
        try {
            return new KeyImage(text(ref, TagFromName.ReferencedSOPClassUID), sop,
                    frame.isEmpty() ? null : Integer.valueOf(frame));
        } catch (NumberFormatException e) {
            throw new InvalidObjectException("an IMAGE item has a frame number that is not a number");
        }
    }

    private static List<AttributeList> children(AttributeList item) {
        List<AttributeList> out = new ArrayList<>();
        if (item.get(TagFromName.ContentSequence) instanceof SequenceAttribute s) {
            for (int i = 0; i < s.getNumberOfItems(); i++) {
                out.add(s.getItem(i).getAttributeList());
            }
        }
        return out;
    }

    /** {scheme, value} of a code sequence's single item, or null. */
    private static String[] code(AttributeList item, AttributeTag sequence) {
        AttributeList c = SequenceAttribute.getAttributeListFromWithinSequenceWithSingleItem(item, sequence);
        if (c == null) {
            return null;
        }
        return new String[] {text(c, TagFromName.CodingSchemeDesignator), text(c, TagFromName.CodeValue)};
    }

    private static boolean is(String[] code, String scheme, String value) {
        return code != null && scheme.equals(code[0]) && value.equals(code[1]);
    }

    private static String text(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag).trim();
    }

    // ---- writing: what an engine (and the test engine) sends back ----

    /** Writes a Comprehensive SR measurement report (no file meta header) in explicit or implicit VR little endian. */
    public static byte[] dataSet(Report r, String transferSyntaxUid) throws IOException {
        try {
            CtImageWriter.Dataset s = new CtImageWriter.Dataset();
            s.put(TagFromName.SpecificCharacterSet, CtImageWriter.CHARACTER_SET);
            s.put(TagFromName.SOPClassUID, COMPREHENSIVE_SR);
            s.put(TagFromName.SOPInstanceUID, r.sopInstanceUid());
            s.put(TagFromName.PatientName, r.patientName());
            s.put(TagFromName.PatientID, r.patientId());
            s.put(TagFromName.PatientBirthDate);
            s.put(TagFromName.PatientSex);
            s.put(TagFromName.StudyInstanceUID, r.studyInstanceUid());
            s.put(TagFromName.StudyDate);
            s.put(TagFromName.StudyTime);
            s.put(TagFromName.ReferringPhysicianName);
            s.put(TagFromName.StudyID);
            s.put(TagFromName.AccessionNumber);
            s.put(TagFromName.Modality, "SR");
            s.put(TagFromName.SeriesInstanceUID, r.seriesInstanceUid());
            s.put(TagFromName.SeriesNumber, 9100);
            s.put(TagFromName.Manufacturer, "Relais");
            s.put(TagFromName.InstanceNumber, 1);
            s.put(TagFromName.CompletionFlag, "COMPLETE");
            s.put(TagFromName.VerificationFlag, "UNVERIFIED");
            s.put(TagFromName.ContentDate, "20260101");
            s.put(TagFromName.ContentTime, "000000");
            s.put(TagFromName.ValueType, "CONTAINER");
            s.put(TagFromName.ContinuityOfContent, "SEPARATE");
            s.list.put(codeSequence(TagFromName.ConceptNameCodeSequence, "DCM", "126000", "Imaging Measurement Report"));
            SequenceAttribute measurements = new SequenceAttribute(TagFromName.ContentSequence);
            for (Finding f : r.findings()) {
                measurements.addItem(group(f));
            }
            AttributeList imaging = item("CONTAINER", "DCM", "126010", "Imaging Measurements");
            imaging.put(measurements);
            SequenceAttribute root = new SequenceAttribute(TagFromName.ContentSequence);
            root.addItem(imaging);
            s.list.put(root);
            ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
            s.list.write(out, transferSyntaxUid, false, false);
            return out.toByteArray();
        } catch (DicomException e) {
            throw new IllegalStateException("could not encode the measurement report " + r.sopInstanceUid(), e);
        }
    }

    private static AttributeList group(Finding f) throws DicomException {
        AttributeList group = item("CONTAINER", "DCM", "125007", "Measurement Group");
        SequenceAttribute content = new SequenceAttribute(TagFromName.ContentSequence);
        AttributeList finding = item("CODE", "DCM", "121071", "Finding");
        String snomed = SNOMED.entrySet().stream().filter(e -> e.getValue().equals(f.code())).map(Map.Entry::getKey)
                .findFirst().orElse(null);
        finding.put(codeSequence(TagFromName.ConceptCodeSequence, snomed == null ? "99RELAIS" : "SCT",
                snomed == null ? f.code() : snomed, f.code()));
        content.addItem(finding);
        if (f.score() != null) {
            AttributeList num = item("NUM", "99RELAIS", "SCORE", "AI score");
            CtImageWriter.Dataset measured = new CtImageWriter.Dataset();
            measured.put(TagFromName.NumericValue, String.valueOf(f.score()));
            measured.list.put(codeSequence(TagFromName.MeasurementUnitsCodeSequence, "UCUM", "1", "no units"));
            SequenceAttribute mv = new SequenceAttribute(TagFromName.MeasuredValueSequence);
            mv.addItem(measured.list);
            num.put(mv);
            content.addItem(num);
        }
        if (f.present() != null) {
            AttributeList impression = item("CODE", "DCM", "121073", "Impression");
            impression.put(codeSequence(TagFromName.ConceptCodeSequence, "SCT", f.present() ? POSITIVE : NEGATIVE,
                    f.present() ? "Positive" : "Negative"));
            content.addItem(impression);
        }
        for (KeyImage k : f.keyImages()) {
            AttributeList image = item("IMAGE", "DCM", "121200", "Illustration of ROI");
            CtImageWriter.Dataset ref = new CtImageWriter.Dataset();
            ref.put(TagFromName.ReferencedSOPClassUID, k.sopClassUid());
            ref.put(TagFromName.ReferencedSOPInstanceUID, k.sopInstanceUid());
            if (k.frame() != null) {
                ref.put(TagFromName.ReferencedFrameNumber, String.valueOf(k.frame()));
            }
            SequenceAttribute refs = new SequenceAttribute(TagFromName.ReferencedSOPSequence);
            refs.addItem(ref.list);
            image.put(refs);
            content.addItem(image);
        }
        group.put(content);
        return group;
    }

    private static AttributeList item(String valueType, String scheme, String value, String meaning) throws DicomException {
        CtImageWriter.Dataset d = new CtImageWriter.Dataset();
        d.put(TagFromName.RelationshipType, "CONTAINS");
        d.put(TagFromName.ValueType, valueType);
        if (valueType.equals("CONTAINER")) {
            d.put(TagFromName.ContinuityOfContent, "SEPARATE");
        }
        d.list.put(codeSequence(TagFromName.ConceptNameCodeSequence, scheme, value, meaning));
        return d.list;
    }

    private static SequenceAttribute codeSequence(AttributeTag tag, String scheme, String value, String meaning)
            throws DicomException {
        CtImageWriter.Dataset c = new CtImageWriter.Dataset();
        c.put(TagFromName.CodeValue, value);
        c.put(TagFromName.CodingSchemeDesignator, scheme);
        c.put(TagFromName.CodeMeaning, meaning);
        SequenceAttribute s = new SequenceAttribute(tag);
        s.addItem(c.list);
        return s;
    }
}
