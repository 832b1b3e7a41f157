package fr.relais.dicom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DecimalStringAttribute;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.FloatDoubleAttribute;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DicomWebTest {

    private static final int ROWS = 2, COLUMNS = 3, FRAMES = 2;

    @Test
    void metadataIsDicomJsonWithSequencesAndNumbersAndNoBulkData() throws Exception {
        JsonNode json = new ObjectMapper().readTree(DicomWeb.indexedMetadata(file()));

        assertThat(json.at("/00080016/vr").asText()).isEqualTo("UI");
        assertThat(json.at("/00080016/Value/0").asText()).isEqualTo("1.2.840.10008.5.1.4.1.1.7.3");
        assertThat(json.at("/00081060/Value/0/Alphabetic").asText()).isEqualTo("DR^WHO"); // a PN as DICOM JSON
        assertThat(json.at("/00280010/Value/0").asInt()).isEqualTo(ROWS);
        assertThat(json.at("/00280030/Value").toString()).isEqualTo("[0.5,0.75]");
        assertThat(json.at("/00200013/Value/0").isIntegralNumber()).isTrue();
        assertThat(json.at("/00181110/vr").asText()).isEqualTo("FD");
        assertThat(json.at("/00181110/Value/0").asDouble()).isEqualTo(1.25);
        assertThat(json.at("/00081140/vr").asText()).isEqualTo("SQ");
        assertThat(json.at("/00081140/Value/0/00081155/Value/0").asText()).isEqualTo("1.2.3.4.5");
        assertThat(json.at("/00100020/vr").asText()).isEqualTo("LO");
        assertThat(json.at("/00100020").has("Value")).isFalse(); // empty attribute: vr only
        assertThat(json.has("00291010")).isFalse(); // bulk data is not in the metadata
        assertThat(json.has("7FE00010")).isFalse();
        assertThat(json.has("00020010")).isFalse();
    }

    @Test
    void theMetadataTheIndexKeepsHoldsNothingThatNamesThePatient() throws Exception {
        String json = DicomWeb.indexedMetadata(file());

        assertThat(json).doesNotContain("DOE").doesNotContain("19700101").doesNotContain("00100010")
                .doesNotContain("\"0002"); // nor the file meta group
        assertThat(new ObjectMapper().readTree(json).has("00100020")).isTrue(); // the hospital's patient ID stays
    }

    @Test
    void framesAreCutFromTheStoredPixelData() throws Exception {
        DicomWeb.Frames frames = DicomWeb.frames(file());

        assertThat(frames.count()).isEqualTo(FRAMES);
        assertThat(frames.encapsulated()).isFalse();
        assertThat(frames.frame(1)).hasSize(ROWS * COLUMNS * 2);
        assertThat(frames.frame(2)).containsExactly(6, 0, 7, 0, 8, 0, 9, 0, 10, 0, 0x0B, 0x01);
        assertThatThrownBy(() -> frames.frame(3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> DicomWeb.indexedMetadata(new byte[200])).isInstanceOf(DicomHeader.InvalidObjectException.class);
    }

    @Test
    void encapsulatedFramesFollowTheOffsetTable() throws Exception {
        // Frame 1 in two fragments, frame 2 in one: the basic offset table says where each starts.
        byte[] f1a = {1, 2, 3, 4}, f1b = {5, 6}, f2 = {7, 8, 9, 10};
        byte[] table = LE(0, 8 + f1a.length + 8 + f1b.length);
        DicomWeb.Frames frames = DicomWeb.frames(encapsulated(2, table, f1a, f1b, f2));

        assertThat(frames.encapsulated()).isTrue();
        assertThat(frames.transferSyntax()).isEqualTo(JPEG_LOSSLESS);
        assertThat(frames.count()).isEqualTo(2);
        assertThat(frames.frame(1)).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(frames.frame(2)).containsExactly(7, 8, 9, 10);
    }

    @Test
    void encapsulatedFramesWithoutATableAreOneFragmentEachOrAllFragmentsForOneFrame() throws Exception {
        byte[] a = {1, 2}, b = {3, 4};
        assertThat(DicomWeb.frames(encapsulated(2, new byte[0], a, b)).frame(2)).containsExactly(3, 4);
        assertThat(DicomWeb.frames(encapsulated(1, new byte[0], a, b)).frame(1)).containsExactly(1, 2, 3, 4);
        assertThatThrownBy(() -> DicomWeb.frames(encapsulated(3, new byte[0], a, b)))
                .isInstanceOf(DicomHeader.InvalidObjectException.class);
    }

    @Test
    void anOffsetTablePointingNowhereIsRefused() {
        byte[] a = {1, 2}, b = {3, 4};
        assertThatThrownBy(() -> DicomWeb.frames(encapsulated(2, LE(0, 400), a, b)))
                .isInstanceOf(DicomHeader.InvalidObjectException.class);
    }

    @Test
    void anImageWhosePixelDataIsShorterThanItsFramesIsRefused() throws Exception {
        byte[] file = file();
        // Announce 3 frames in a 2-frame object: the IS value "2" becomes "3".
        int at = indexOf(file, new byte[]{0x28, 0x00, 0x08, 0x00, 'I', 'S'});
        file[at + 8] = '3';
        assertThatThrownBy(() -> DicomWeb.frames(file)).isInstanceOf(DicomHeader.InvalidObjectException.class);
    }

    private static final String JPEG_LOSSLESS = "1.2.840.10008.1.2.4.70";

    /** A Part 10 object whose pixel data is encapsulated: the offset table item, then the fragments. */
    private static byte[] encapsulated(int frameCount, byte[] table, byte[]... fragments) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        explicit(data, 0x0008, 0x0016, "UI", ("1.2.840.10008.5.1.4.1.1.2" + (char) 0).getBytes());
        explicit(data, 0x0028, 0x0002, "US", new byte[]{1, 0});
        explicit(data, 0x0028, 0x0008, "IS", (frameCount + " ").substring(0, 2).getBytes());
        explicit(data, 0x0028, 0x0010, "US", new byte[]{2, 0});
        explicit(data, 0x0028, 0x0011, "US", new byte[]{2, 0});
        explicit(data, 0x0028, 0x0100, "US", new byte[]{16, 0});
        data.writeBytes(new byte[]{(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'B', 0, 0, -1, -1, -1, -1});
        item(data, table);
        for (byte[] fragment : fragments) {
            item(data, fragment);
        }
        data.writeBytes(new byte[]{(byte) 0xFE, (byte) 0xFF, (byte) 0xDD, (byte) 0xE0, 0, 0, 0, 0});
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(Part10.fileMetaHeader("1.2.840.10008.5.1.4.1.1.2", "1.2.3.9", JPEG_LOSSLESS, null, null));
        file.writeBytes(data.toByteArray());
        return file.toByteArray();
    }

    private static void explicit(ByteArrayOutputStream out, int group, int element, String vr, byte[] value) {
        out.writeBytes(new byte[]{(byte) group, (byte) (group >>> 8), (byte) element, (byte) (element >>> 8),
                (byte) vr.charAt(0), (byte) vr.charAt(1), (byte) value.length, (byte) (value.length >>> 8)});
        out.writeBytes(value);
    }

    private static void item(ByteArrayOutputStream out, byte[] value) {
        out.writeBytes(new byte[]{(byte) 0xFE, (byte) 0xFF, 0x00, (byte) 0xE0});
        out.writeBytes(LE(value.length));
        out.writeBytes(value);
    }

    private static byte[] LE(int... values) {
        byte[] out = new byte[4 * values.length];
        for (int k = 0; k < values.length; k++) {
            for (int i = 0; i < 4; i++) {
                out[4 * k + i] = (byte) (values[k] >>> (8 * i));
            }
        }
        return out;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    private static byte[] file() throws Exception {
        AttributeList list = new AttributeList();
        put(list, new UniqueIdentifierAttribute(TagFromName.SOPClassUID), "1.2.840.10008.5.1.4.1.1.7.3");
        put(list, new UniqueIdentifierAttribute(TagFromName.SOPInstanceUID), "1.2.3.4.6");
        put(list, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), "1.2.3.4");
        put(list, new PersonNameAttribute(TagFromName.PatientName), "DOE^JANE");
        put(list, new com.pixelmed.dicom.DateAttribute(TagFromName.PatientBirthDate), "19700101");
        put(list, new PersonNameAttribute(TagFromName.NameOfPhysiciansReadingStudy), "DR^WHO");
        list.put(new com.pixelmed.dicom.LongStringAttribute(TagFromName.PatientID));
        put(list, new IntegerStringAttribute(TagFromName.InstanceNumber), "7");
        Attribute spacing = new DecimalStringAttribute(TagFromName.PixelSpacing);
        spacing.addValue("0.5");
        spacing.addValue("0.75");
        list.put(spacing);
        Attribute distance = new FloatDoubleAttribute(TagFromName.DistanceSourceToDetector);
        distance.addValue(1.25);
        list.put(distance);
        SequenceAttribute references = new SequenceAttribute(TagFromName.ReferencedImageSequence);
        AttributeList item = new AttributeList();
        put(item, new UniqueIdentifierAttribute(TagFromName.ReferencedSOPInstanceUID), "1.2.3.4.5");
        references.addItem(item);
        list.put(references);
        OtherByteAttribute bulk = new OtherByteAttribute(new AttributeTag(0x0029, 0x1010));
        bulk.setValues(new byte[]{1, 2, 3, 4});
        list.put(bulk);
        for (AttributeTag tag : new AttributeTag[]{TagFromName.Rows, TagFromName.Columns, TagFromName.BitsAllocated,
                TagFromName.SamplesPerPixel}) {
            Attribute a = new UnsignedShortAttribute(tag);
            a.addValue(Map.of(TagFromName.Rows, ROWS, TagFromName.Columns, COLUMNS, TagFromName.BitsAllocated, 16,
                    TagFromName.SamplesPerPixel, 1).get(tag));
            list.put(a);
        }
        put(list, new IntegerStringAttribute(TagFromName.NumberOfFrames), String.valueOf(FRAMES));
        OtherWordAttribute pixels = new OtherWordAttribute(TagFromName.PixelData);
        pixels.setValues(new short[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0x010B});
        list.put(pixels);
        FileMetaInformation.addFileMetaInformation(list, Uids.EXPLICIT_VR_LITTLE_ENDIAN, "TEST");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        list.write(out, Uids.EXPLICIT_VR_LITTLE_ENDIAN, true, true);
        return out.toByteArray();
    }

    private static void put(AttributeList list, Attribute a, String value) throws Exception {
        a.addValue(value);
        list.put(a);
    }
}
