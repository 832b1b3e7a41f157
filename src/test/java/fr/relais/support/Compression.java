package fr.relais.support;

import com.github.jaiimageio.jpeg2000.J2KImageWriteParam;
import com.github.jaiimageio.jpeg2000.impl.J2KImageWriter;
import com.github.jaiimageio.jpeg2000.impl.J2KImageWriterSpi;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames;
import com.pixelmed.dicom.TagFromName;

import javax.imageio.IIOImage;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Studies compressed as hospitals send them: by DCMTK's {@code dcmcjpls}, {@code dcmcjpeg} and
 * {@code dcmcrle}, and in JPEG 2000 lossless by jai-imageio's JJ2000 encoder (DCMTK has none).
 */
public final class Compression {

    private Compression() {}

    /** A compression, with the transfer syntax it gives and the storescu option that proposes it. */
    public enum Kind {
        JPEG_LS("1.2.840.10008.1.2.4.80", "-xt"),
        JPEG_LOSSLESS_SV1("1.2.840.10008.1.2.4.70", "-xs"),
        RLE("1.2.840.10008.1.2.5", "-xr"),
        JPEG_2000("1.2.840.10008.1.2.4.90", "-xv");

        public final String transferSyntax;
        public final String storescuOption;

        Kind(String transferSyntax, String storescuOption) {
            this.transferSyntax = transferSyntax;
            this.storescuOption = storescuOption;
        }
    }

    /** What storescu sends: the files, and the options that propose their transfer syntax. */
    public record Sending(List<Path> files, List<String> storescuOptions) {}

    /**
     * The files as storescu should send them: as they are when {@code kind} is null, else compressed
     * into a folder of {@code folder}, the middle one's compressed data broken when asked.
     */
    public static Sending prepare(Kind kind, List<Path> files, Path folder, boolean breakMiddle) throws Exception {
        if (kind == null) {
            return new Sending(files, List.of());
        }
        List<Path> compressed = compress(kind, files, folder.resolve(kind.name()));
        if (breakMiddle) {
            Path middle = compressed.get(compressed.size() / 2);
            corrupted(middle, middle);
        }
        return new Sending(compressed, List.of(kind.storescuOption));
    }

    /** Each file compressed into {@code folder} (same file names). */
    public static List<Path> compress(Kind kind, List<Path> files, Path folder) throws Exception {
        Files.createDirectories(folder);
        List<Path> out = new ArrayList<>();
        for (Path f : files) {
            Path target = folder.resolve(f.getFileName());
            switch (kind) {
                case JPEG_LS -> dcmtk("dcmcjpls", "+el", f, target);
                case JPEG_LOSSLESS_SV1 -> dcmtk("dcmcjpeg", "+e1", f, target);
                case RLE -> dcmtk("dcmcrle", null, f, target);
                case JPEG_2000 -> jpeg2000(f, target);
            }
            out.add(target);
        }
        return out;
    }

    /** Runs a DCMTK compressor (one option or none) and checks it wrote something. */
    public static void dcmtk(String tool, String option, Path in, Path out) throws Exception {
        List<String> command = new ArrayList<>(List.of(tool));
        if (option != null) {
            command.add(option);
        }
        command.add(in.toString());
        command.add(out.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(out) || Files.size(out) == 0) {
            throw new AssertionError(tool + " failed on " + in + ": " + output);
        }
    }

    /** A 16-bit grey image as one JPEG 2000 lossless (reversible 5/3) codestream, encapsulated in one fragment. */
    public static void jpeg2000(Path in, Path out) throws Exception {
        AttributeList list = new AttributeList();
        list.read(in.toString());
        int rows = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0);
        int columns = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
        short[] pixels = list.get(TagFromName.PixelData).getShortValues();
        BufferedImage image = new BufferedImage(columns, rows, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster raster = image.getRaster();
        for (int i = 0; i < rows * columns; i++) {
            raster.setSample(i % columns, i / columns, 0, pixels[i] & 0xFFFF);
        }
        J2KImageWriter writer = new J2KImageWriter(new J2KImageWriterSpi());
        J2KImageWriteParam param = (J2KImageWriteParam) writer.getDefaultWriteParam();
        param.setLossless(true);
        param.setWriteCodeStreamOnly(true);
        param.setFilter(J2KImageWriteParam.FILTER_53);
        ByteArrayOutputStream codestream = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(codestream)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        byte[] fragment = codestream.toByteArray();
        if (fragment.length % 2 == 1) {
            fragment = java.util.Arrays.copyOf(fragment, fragment.length + 1);
        }
        list.remove(TagFromName.PixelData);
        list.put(new OtherByteAttributeMultipleCompressedFrames(TagFromName.PixelData, new byte[][] {fragment}));
        list.removeMetaInformationHeaderAttributes();
        FileMetaInformation.addFileMetaInformation(list, Kind.JPEG_2000.transferSyntax, "RELAIS_TEST");
        list.write(out.toString(), Kind.JPEG_2000.transferSyntax, true, true);
    }

    /** The object with the middle of its (first) fragment overwritten: the codestream is broken after its headers. */
    public static byte[] corruptFragment(byte[] part10) throws Exception {
        fr.relais.dicom.DicomWeb.Frames frames = fr.relais.dicom.DicomWeb.frames(part10);
        byte[] fragment = frames.frame(1);
        byte[] broken = part10.clone();
        int at = fragmentOffset(part10);
        // JPEG 2000 decoders take a cut codestream for a coarser image: its coding parameters are broken instead.
        int from = at + ("1.2.840.10008.1.2.4.90".equals(frames.transferSyntax()) ? 45 : fragment.length / 3);
        for (int k = from; k + 1 < at + fragment.length; k += 2) {
            broken[k] = (byte) 0xFF;
            broken[k + 1] = (byte) 0xD9;
        }
        // RLE: a header of segment offsets past the fragment's end
        if ("1.2.840.10008.1.2.5".equals(frames.transferSyntax())) {
            int offset = fragment.length + 1000;
            broken[at + 8] = (byte) offset;
            broken[at + 9] = (byte) (offset >> 8);
            broken[at + 10] = (byte) (offset >> 16);
            broken[at + 11] = (byte) (offset >> 24);
        }
        return broken;
    }

    /** Where the first frame's (first) fragment starts in a Part 10 object. */
    public static int fragmentOffset(byte[] part10) throws Exception {
        return indexOf(part10, fr.relais.dicom.DicomWeb.frames(part10).frame(1));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < Math.min(needle.length, 64); j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("fragment not found");
    }

    /** {@link #corruptFragment} of a file, written beside it. */
    public static Path corrupted(Path file, Path out) throws Exception {
        return Files.write(out, corruptFragment(Files.readAllBytes(file)));
    }
}
