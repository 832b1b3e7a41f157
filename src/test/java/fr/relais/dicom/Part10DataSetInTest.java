package fr.relais.dicom;

import fr.relais.sim.SyntheticCt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A stored object sent on in the syntax a peer accepted: as stored, or re-encoded between the uncompressed ones. */
class Part10DataSetInTest {

    @TempDir
    Path dir;

    @Test
    void aStoredObjectIsSentAsStoredOrReEncodedInImplicitVrWithTheSamePixels() throws Exception {
        SyntheticCt.GeneratedStudy study = SyntheticCt.generate(SyntheticCt.StudySpec.builder().slices(1).rows(64).columns(64)
                .seed(5).build(), dir);
        byte[] file = Files.readAllBytes(study.files().get(0));
        String stored = Part10.transferSyntax(file);
        assertThat(stored).isEqualTo(Uids.EXPLICIT_VR_LITTLE_ENDIAN);

        byte[] same = Part10.dataSetIn(file, stored);
        assertThat(same).isEqualTo(Arrays.copyOfRange(file, Part10.dataSetOffset(file), file.length));

        byte[] implicit = Part10.dataSetIn(file, Uids.IMPLICIT_VR_LITTLE_ENDIAN);
        DicomHeader before = DicomHeader.parse(stored, same, same.length);
        DicomHeader after = DicomHeader.parse(Uids.IMPLICIT_VR_LITTLE_ENDIAN, implicit, implicit.length);
        assertThat(after.sopInstanceUid()).isEqualTo(before.sopInstanceUid());
        assertThat(after.studyInstanceUid()).isEqualTo(before.studyInstanceUid());
        byte[] meta = Part10.fileMetaHeader(after.sopClassUid(), after.sopInstanceUid(), Uids.IMPLICIT_VR_LITTLE_ENDIAN,
                null, null);
        byte[] implicitFile = Arrays.copyOf(meta, meta.length + implicit.length);
        System.arraycopy(implicit, 0, implicitFile, meta.length, implicit.length);
        assertThat(CtSlice.read(implicitFile).hu()).isEqualTo(CtSlice.read(file).hu());

        assertThatThrownBy(() -> Part10.dataSetIn(file, "1.2.840.10008.1.2.4.90")).isInstanceOf(IOException.class)
                .hasMessageContaining("cannot be sent");
    }
}
