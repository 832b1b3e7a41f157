package fr.relais.support;

import fr.relais.ApiClient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** STOW-RS as a hospital's system sends it: the files in one multipart/related request to /dicomweb/studies. */
public final class Stow {

    private static final String BOUNDARY = "stow-test-boundary";

    private Stow() {}

    public static ApiClient.Response store(ApiClient sender, List<Path> files) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Path file : files) {
            body.writeBytes(("--" + BOUNDARY + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            body.writeBytes(Files.readAllBytes(file));
            body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        body.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return sender.postBytes("/dicomweb/studies", "multipart/related; type=\"application/dicom\"; boundary=" + BOUNDARY,
                body.toByteArray());
    }
}
