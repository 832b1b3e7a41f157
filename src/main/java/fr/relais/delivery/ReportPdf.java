package fr.relais.delivery;

import fr.relais.report.Addendum;
import fr.relais.report.SignedReport;
import fr.relais.request.RequestView;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.Locale;

/**
 * The report as the hospital files it: an A4 PDF in French, the hospital's name at the head, the
 * patient and the exam, the four sections, the critical finding, the signature and the addenda.
 * Standard fonts only (WinAnsi): a character they cannot draw is replaced, never dropped silently.
 */
final class ReportPdf {

    private static final float MARGIN = 56, WIDTH = PDRectangle.A4.getWidth() - 2 * MARGIN;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("dd/MM/yyyy", Locale.FRENCH);
    private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("dd/MM/yyyy 'à' HH:mm", Locale.FRENCH);

    private ReportPdf() {}

    static byte[] render(ReportDocument d) {
        SignedReport r = d.report();
        RequestView q = r.request();
        ZoneId zone = d.zone();
        try (PDDocument pdf = new PDDocument()) {
            Writer w = new Writer(pdf);
            w.line(Writer.BOLD, 15, d.hospital().name());
            w.line(Writer.REGULAR, 9, "FINESS " + d.hospital().finess() + " · Compte rendu transmis par Relais, téléradiologie d'urgence");
            w.gap(10);
            w.line(Writer.BOLD, 13, "Compte rendu : " + q.examTypeLabel());
            w.gap(4);
            w.line(Writer.REGULAR, 10, "Patient : " + q.familyName().toUpperCase(Locale.FRENCH) + " " + q.givenName()
                    + (q.birthDate() == null ? "" : ", né(e) le " + DAY.format(q.birthDate()))
                    + (q.sex() == null ? "" : ", sexe " + q.sex()));
            w.line(Writer.REGULAR, 10, "IPP : " + q.patientId() + " · N° d'examen : " + q.accessionNumber());
            w.line(Writer.REGULAR, 10, "Demandé par : " + q.requestingPhysician() + " le " + at(q.requestedAt(), zone));
            SignedReport.Reading reading = r.reading();
            w.line(Writer.REGULAR, 10, "Examen du " + (reading.studyDate() == null ? "(date non indiquée)"
                    : DAY.format(reading.studyDate())) + " · images reçues le " + at(reading.imagesAt(), zone));
            w.line(Writer.REGULAR, 10, "Lu par : " + r.signedByName()
                    + (reading.signerRpps() == null ? "" : " (RPPS " + reading.signerRpps() + ")")
                    + (reading.readingCenter() == null ? "" : ", " + reading.readingCenter()));
            w.gap(8);
            if (r.critical()) {
                w.line(Writer.BOLD, 11, "RÉSULTAT CRITIQUE : " + d.criticalLabel());
                w.gap(4);
            }
            w.section("Indication", r.indication());
            w.section("Technique", r.technique());
            w.section("Résultats", r.findings());
            w.section("Conclusion", r.conclusion());
            w.gap(6);
            w.line(Writer.REGULAR, 10, "Signé électroniquement par " + r.signedByName() + " le " + at(r.signedAt(), zone)
                    + " (heure de " + zone.getId() + ")");
            for (Addendum a : r.addenda()) {
                w.gap(8);
                w.line(Writer.BOLD, 11, "Addendum du " + at(a.signedAt(), zone) + ", signé par " + a.authorName());
                w.paragraph(a.body());
            }
            w.finish();
            PDDocumentInformation info = pdf.getDocumentInformation();
            info.setTitle("Compte rendu " + q.accessionNumber());
            info.setCreator("Relais");
            Calendar created = GregorianCalendar.from(r.signedAt().atZone(zone));
            info.setCreationDate(created);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            pdf.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("could not render the PDF of report " + r.reportId(), e);
        }
    }

    private static String at(Instant instant, ZoneId zone) {
        return instant == null ? "" : DAY_TIME.format(instant.atZone(zone));
    }

    /** Lines down the page, a new page when the bottom is reached, a page number on each. */
    private static final class Writer {
        static final PDType1Font REGULAR = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
        static final PDType1Font BOLD = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);

        private final PDDocument pdf;
        private final List<PDPage> pages = new ArrayList<>();
        private PDPageContentStream content;
        private float y;

        Writer(PDDocument pdf) throws IOException {
            this.pdf = pdf;
            newPage();
        }

        void section(String title, String text) throws IOException {
            line(BOLD, 11, title);
            paragraph(text);
            gap(6);
        }

        void paragraph(String text) throws IOException {
            for (String paragraph : (text == null ? "" : text).split("\\R", -1)) {
                for (String wrapped : wrap(paragraph, REGULAR, 10)) {
                    line(REGULAR, 10, wrapped);
                }
            }
        }

        void line(PDType1Font font, float size, String text) throws IOException {
            float height = size * 1.35f;
            if (y - height < MARGIN + 20) {
                newPage();
            }
            y -= height;
            content.beginText();
            content.setFont(font, size);
            content.newLineAtOffset(MARGIN, y);
            content.showText(drawable(font, text));
            content.endText();
        }

        void gap(float points) {
            y -= points;
        }

        void finish() throws IOException {
            content.close();
            for (int i = 0; i < pages.size(); i++) {
                try (PDPageContentStream footer = new PDPageContentStream(pdf, pages.get(i),
                        PDPageContentStream.AppendMode.APPEND, true)) {
                    footer.beginText();
                    footer.setFont(REGULAR, 8);
                    footer.newLineAtOffset(MARGIN, MARGIN / 2);
                    footer.showText("Page " + (i + 1) + "/" + pages.size());
                    footer.endText();
                }
            }
        }

        private void newPage() throws IOException {
            if (content != null) {
                content.close();
            }
            PDPage page = new PDPage(PDRectangle.A4);
            pdf.addPage(page);
            pages.add(page);
            content = new PDPageContentStream(pdf, page);
            y = page.getMediaBox().getHeight() - MARGIN;
        }

        private static List<String> wrap(String text, PDType1Font font, float size) throws IOException {
            List<String> lines = new ArrayList<>();
            StringBuilder current = new StringBuilder();
            for (String word : drawable(font, text).split(" ")) {
                String candidate = current.isEmpty() ? word : current + " " + word;
                if (width(font, size, candidate) <= WIDTH || current.isEmpty()) {
                    current.setLength(0);
                    current.append(candidate);
                } else {
                    lines.add(current.toString());
                    current.setLength(0);
                    current.append(word);
                }
            }
            lines.add(current.toString());
            return lines;
        }

        private static float width(PDType1Font font, float size, String text) throws IOException {
            return font.getStringWidth(text) / 1000 * size;
        }

        /** What the standard font cannot draw (tabs, emoji, other scripts) becomes '?'. */
        static String drawable(PDType1Font font, String text) {
            StringBuilder out = new StringBuilder(text.length());
            text.codePoints().forEach(c -> {
                String s = c == '\t' ? " " : new String(Character.toChars(c));
                try {
                    font.encode(s);
                    out.append(s);
                } catch (IOException | IllegalArgumentException e) {
                    out.append('?');
                }
            });
            return out.toString();
        }
    }
}
