package fr.relais.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.TagFromName;
import fr.relais.dicom.AssociationHandler.FindHandler;
import fr.relais.dicom.AssociationHandler.StoreStatus;
import fr.relais.dicom.DicomHeader.InvalidObjectException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One Modality Worklist C-FIND (PS3.4 K.6): the identifier parsed, its matching keys applied to
 * the caller's scheduled items (single value, wild card, range, list of UIDs: PS3.4 C.2.2.2; person
 * names case- and accent-insensitively), and for each match the identifier's keys filled in. A key
 * we do not know is returned empty; a key we do not match on is universal. A malformed identifier
 * is a failure status with the reason.
 */
final class WorklistFind {

    /** The answer: one identifier per match, or the failure to send. */
    record Answer(List<byte[]> identifiers, List<WorklistItem> matched, StoreStatus failure) {
        static Answer failed(StoreStatus failure) {
            return new Answer(List.of(), List.of(), failure);
        }
    }

    /** A bad identifier: status A900 (identifier does not match the SOP class) with the reason. */
    static final class BadIdentifier extends Exception {
        BadIdentifier(String reason) {
            super(reason);
        }
    }

    /** No more answers than this to one query: the scanner's operator narrows the query. */
    static final int MAX_MATCHES = 500;

    private static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;
    private static final DateTimeFormatter TM = DateTimeFormatter.ofPattern("HHmmss");
    private static final Pattern DATE = Pattern.compile("\\d{8}");
    private static final Pattern TIME = Pattern.compile("\\d{2}(\\d{2}(\\d{2}(\\.\\d{1,6})?)?)?");

    // Known to the dictionary, not named in TagFromName.
    private static final AttributeTag STEP_ID = new AttributeTag(0x0040, 0x0009);
    private static final AttributeTag STEP_STATUS = new AttributeTag(0x0040, 0x0020);
    private static final AttributeTag REQUESTED_PROCEDURE_PRIORITY = new AttributeTag(0x0040, 0x1003);

    private static Map.Entry<AttributeTag, Function<WorklistItem, String>> key(AttributeTag tag,
                                                                                Function<WorklistItem, String> value) {
        return Map.entry(tag, value);
    }

    private static final AttributeTag SPS = new AttributeTag(0x0040, 0x0100);

    /** Top-level keys and their values in an item. */
    private static final Map<AttributeTag, Function<WorklistItem, String>> TOP = Map.ofEntries(
            key(TagFromName.AccessionNumber, WorklistItem::accessionNumber),
            key(TagFromName.ReferringPhysicianName, WorklistItem::referringPhysician),
            key(TagFromName.PatientName, WorklistItem::patientName),
            key(TagFromName.PatientID, WorklistItem::patientId),
            key(TagFromName.PatientBirthDate, i -> i.birthDate() == null ? null : DA.format(i.birthDate())),
            key(TagFromName.PatientSex, WorklistItem::sex),
            key(TagFromName.StudyInstanceUID, WorklistItem::studyInstanceUid),
            key(TagFromName.RequestedProcedureDescription, WorklistItem::requestedProcedureDescription),
            key(TagFromName.RequestedProcedureID, WorklistItem::requestedProcedureId),
            key(REQUESTED_PROCEDURE_PRIORITY, WorklistItem::priority));

    /** Keys of the scheduled procedure step item (the station AE title is matched apart: several stations). */
    private static final Map<AttributeTag, Function<WorklistItem, String>> STEP = Map.ofEntries(
            key(TagFromName.Modality, WorklistItem::modality),
            key(TagFromName.ScheduledProcedureStepStartDate, i -> i.start() == null ? null : DA.format(i.start())),
            key(TagFromName.ScheduledProcedureStepStartTime, i -> i.start() == null ? null : TM.format(i.start())),
            key(TagFromName.ScheduledProcedureStepDescription, WorklistItem::stepDescription),
            key(STEP_ID, WorklistItem::stepId),
            key(STEP_STATUS, i -> "SCHEDULED"));

    private WorklistFind() {}

    static Answer answer(byte[] data, int length, String transferSyntax, FindHandler finder) {
        AttributeList query;
        try {
            DataSetStructure.verify(data, 0, length, transferSyntax);
            query = new AttributeList();
            query.read(new DicomInputStream(new ByteArrayInputStream(data, 0, length), transferSyntax, false));
        } catch (InvalidObjectException | IOException | DicomException | RuntimeException e) {
            return Answer.failed(StoreStatus.cannotUnderstand("identifier cannot be parsed (truncated or corrupt)"));
        }
        List<WorklistItem> matched = new ArrayList<>();
        try {
            AttributeList step = stepKeys(query);
            for (WorklistItem item : finder.scheduled()) {
                if (matches(query, TOP, item) && (step == null || (matches(step, STEP, item) && station(step, item) != null))) {
                    matched.add(item);
                }
            }
        } catch (BadIdentifier e) {
            return Answer.failed(StoreStatus.dataSetDoesNotMatch(e.getMessage()));
        }
        if (matched.size() > MAX_MATCHES) {
            return Answer.failed(StoreStatus.outOfResources(matched.size() + " items match; narrow the query"));
        }
        List<byte[]> identifiers = new ArrayList<>();
        try {
            for (WorklistItem item : matched) {
                identifiers.add(encode(query, item, transferSyntax));
            }
        } catch (DicomException | IOException e) {
            return Answer.failed(StoreStatus.processingFailure("cannot encode the worklist item"));
        }
        return new Answer(identifiers, matched, null);
    }

    /** The query's one scheduled procedure step item, null when it asks for none. */
    private static AttributeList stepKeys(AttributeList query) throws BadIdentifier {
        Attribute sps = query.get(SPS);
        if (sps == null) {
            return null;
        }
        if (!(sps instanceof SequenceAttribute seq)) {
            throw new BadIdentifier("Scheduled Procedure Step Sequence is not a sequence");
        }
        if (seq.getNumberOfItems() > 1) {
            throw new BadIdentifier("Scheduled Procedure Step Sequence holds " + seq.getNumberOfItems()
                    + " items; a query holds one");
        }
        return seq.getNumberOfItems() == 0 ? null : seq.getItem(0).getAttributeList();
    }

    private static boolean matches(AttributeList keys, Map<AttributeTag, Function<WorklistItem, String>> known,
                                   WorklistItem item) throws BadIdentifier {
        for (Map.Entry<AttributeTag, Function<WorklistItem, String>> key : known.entrySet()) {
            Attribute a = keys.get(key.getKey());
            if (a != null && !matches(a, key.getValue().apply(item))) {
                return false;
            }
        }
        return true;
    }

    /** The station the item matches the query's Scheduled Station AE Title on, or null. */
    private static String station(AttributeList step, WorklistItem item) throws BadIdentifier {
        Attribute a = step.get(TagFromName.ScheduledStationAETitle);
        for (String title : item.stationAeTitles()) {
            if (a == null || matches(a, title)) {
                return title;
            }
        }
        return null;
    }

    /** PS3.4 C.2.2.2: universal, single value, wild card, range (dates and times), list of UIDs. */
    static boolean matches(Attribute key, String stored) throws BadIdentifier {
        String vr = new String(key.getVR(), StandardCharsets.US_ASCII);
        String value = Attribute.getDelimitedStringValuesOrEmptyString(singleton(key), key.getTag()).trim();
        if (value.isEmpty() || value.equals("*")) {
            return true;
        }
        String name = AttributeList.getDictionary().getNameFromTag(key.getTag());
        if (stored == null || stored.isEmpty()) {
            checkSyntax(vr, value, name);
            return false;
        }
        switch (vr) {
            case "DA", "TM" -> {
                return inRange(vr, value, stored, name);
            }
            case "UI" -> {
                for (String uid : value.split("\\\\")) {
                    if (uid.trim().equals(stored)) {
                        return true;
                    }
                }
                return false;
            }
            case "PN" -> {
                return wildcard(fold(value)).matcher(fold(stored)).matches();
            }
            default -> {
                return wildcard(value).matcher(stored).matches();
            }
        }
    }

    private static AttributeList singleton(Attribute a) {
        AttributeList l = new AttributeList();
        l.put(a);
        return l;
    }

    private static void checkSyntax(String vr, String value, String name) throws BadIdentifier {
        if (vr.equals("DA") || vr.equals("TM")) {
            inRange(vr, value, vr.equals("DA") ? "19000101" : "000000", name);
        }
    }

    private static boolean inRange(String vr, String value, String stored, String name) throws BadIdentifier {
        Pattern syntax = vr.equals("DA") ? DATE : TIME;
        int dash = value.indexOf('-');
        String low = dash < 0 ? value : value.substring(0, dash).trim();
        String high = dash < 0 ? value : value.substring(dash + 1).trim();
        if ((low.isEmpty() && high.isEmpty()) || (!low.isEmpty() && !syntax.matcher(low).matches())
                || (!high.isEmpty() && !syntax.matcher(high).matches())) {
            throw new BadIdentifier(name + " " + value + " is not a DICOM " + (vr.equals("DA") ? "date (YYYYMMDD)"
                    : "time (HHMMSS)") + " or range of them");
        }
        if (vr.equals("DA")) {
            LocalDate d = LocalDate.parse(stored, DA);
            try {
                return (low.isEmpty() || !d.isBefore(LocalDate.parse(low, DA)))
                        && (high.isEmpty() || !d.isAfter(LocalDate.parse(high, DA)));
            } catch (java.time.format.DateTimeParseException e) {
                throw new BadIdentifier(name + " " + value + " is not a valid date");
            }
        }
        LocalTime t = time(stored, false);
        return (low.isEmpty() || !t.isBefore(time(low, false))) && (high.isEmpty() || !t.isAfter(time(high, true)));
    }

    /** HH, HHMM, HHMMSS[.F]: a partial upper bound covers its whole hour or minute. */
    private static LocalTime time(String tm, boolean upper) throws BadIdentifier {
        String digits = tm.contains(".") ? tm.substring(0, tm.indexOf('.')) : tm;
        try {
            int h = Integer.parseInt(digits.substring(0, 2));
            int m = digits.length() >= 4 ? Integer.parseInt(digits.substring(2, 4)) : (upper ? 59 : 0);
            int s = digits.length() >= 6 ? Integer.parseInt(digits.substring(4, 6)) : (upper ? 59 : 0);
            return LocalTime.of(h, m, s);
        } catch (RuntimeException e) {
            throw new BadIdentifier("time " + tm + " is not a valid time");
        }
    }

    private static Pattern wildcard(String value) {
        StringBuilder regex = new StringBuilder();
        for (char c : value.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /** A person name for comparison: upper case, no accents, the DICOM separators and spaces as one. */
    private static String fold(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("\\p{M}", "").toUpperCase(Locale.ROOT)
                .replaceAll("[\\s^=]+$", "").trim();
    }

    // ---- the answer ------------------------------------------------------------------------------

    private static byte[] encode(AttributeList query, WorklistItem item, String transferSyntax)
            throws DicomException, IOException {
        boolean unicode = !StandardCharsets.US_ASCII.newEncoder().canEncode(String.join("", nonNull(item.patientName(),
                item.referringPhysician(), item.requestedProcedureDescription(), item.stepDescription())));
        SpecificCharacterSet charset = new SpecificCharacterSet(new String[] {unicode ? "ISO_IR 192" : ""});
        AttributeList out = new AttributeList();
        if (unicode) {
            Attribute cs = AttributeFactory.newAttribute(TagFromName.SpecificCharacterSet, "CS".getBytes(StandardCharsets.US_ASCII));
            cs.addValue("ISO_IR 192");
            out.put(cs);
        }
        for (Attribute key : query.values()) {
            AttributeTag tag = key.getTag();
            if (tag.equals(TagFromName.SpecificCharacterSet)) {
                continue;
            }
            if (tag.equals(SPS)) {
                SequenceAttribute seq = new SequenceAttribute(SPS);
                AttributeList asked = stepKeysQuietly(query);
                seq.addItem(fill(asked == null ? new AttributeList() : asked, STEP, item, charset, true));
                out.put(seq);
            } else if (key instanceof SequenceAttribute) {
                out.put(new SequenceAttribute(tag));
            } else {
                out.put(value(key, TOP.get(tag), item, charset));
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        DicomOutputStream dout = new DicomOutputStream(bytes, null, transferSyntax);
        out.write(dout);
        dout.flush();
        return bytes.toByteArray();
    }

    private static AttributeList fill(AttributeList asked, Map<AttributeTag, Function<WorklistItem, String>> known,
                                      WorklistItem item, SpecificCharacterSet charset, boolean step)
            throws DicomException {
        AttributeList out = new AttributeList();
        for (Attribute key : asked.values()) {
            AttributeTag tag = key.getTag();
            if (step && tag.equals(TagFromName.ScheduledStationAETitle)) {
                Attribute a = AttributeFactory.newAttribute(tag, key.getVR(), charset);
                try {
                    String title = station(asked, item);
                    if (title != null) {
                        a.addValue(title);
                    }
                } catch (BadIdentifier checkedBefore) {
                    // matched before encoding: cannot happen
                }
                out.put(a);
            } else if (key instanceof SequenceAttribute) {
                out.put(new SequenceAttribute(tag));
            } else {
                out.put(value(key, known.get(tag), item, charset));
            }
        }
        return out;
    }

    private static Attribute value(Attribute key, Function<WorklistItem, String> of, WorklistItem item,
                                   SpecificCharacterSet charset) throws DicomException {
        Attribute a = AttributeFactory.newAttribute(key.getTag(), key.getVR(), charset);
        String v = of == null ? null : of.apply(item);
        if (v != null && !v.isEmpty()) {
            a.addValue(v);
        }
        return a;
    }

    private static AttributeList stepKeysQuietly(AttributeList query) {
        try {
            return stepKeys(query);
        } catch (BadIdentifier e) {
            return null;
        }
    }

    private static List<String> nonNull(String... values) {
        List<String> out = new ArrayList<>();
        for (String v : values) {
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }
}
