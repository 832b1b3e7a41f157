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
    void metadataIsDicomJsonWithSequencesNamesAndNumbersAndNoBulkData() throws Exception {
        JsonNode json = new ObjectMapper().valueToTree(DicomWeb.metadata(file()));

        assertThat(json.at("/00080016/vr").asText()).isEqualTo("UI");
        assertThat(json.at("/00080016/Value/0").asText()).isEqualTo("1.2.840.10008.5.1.4.1.1.7.3");
        assertThat(json.at("/00100010/Value/0/Alphabetic").asText()).isEqualTo("DOE^JANE");
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
    void framesAreCutFromTheStoredPixelData() throws Exception {
        DicomWeb.Frames frames = DicomWeb.frames(file());

        assertThat(frames.count()).isEqualTo(FRAMES);
        assertThat(frames.frameBytes()).isEqualTo(ROWS * COLUMNS * 2);
        assertThat(frames.frame(2)).containsExactly(6, 0, 7, 0, 8, 0, 9, 0, 10, 0, 0x0B, 0x01);
        assertThatThrownBy(() -> frames.frame(3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> DicomWeb.metadata(new byte[200])).isInstanceOf(DicomHeader.InvalidObjectException.class);
    }

    private static byte[] file() throws Exception {
        AttributeList list = new AttributeList();
        put(list, new UniqueIdentifierAttribute(TagFromName.SOPClassUID), "1.2.840.10008.5.1.4.1.1.7.3");
        put(list, new UniqueIdentifierAttribute(TagFromName.SOPInstanceUID), "1.2.3.4.6");
        put(list, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), "1.2.3.4");
        put(list, new PersonNameAttribute(TagFromName.PatientName), "DOE^JANE");
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
