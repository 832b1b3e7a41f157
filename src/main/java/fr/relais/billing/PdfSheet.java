package fr.relais.billing;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An A4 page of lines and columns for the billing documents (statements, invoices), standard
 * fonts only: a character they cannot draw becomes '?', a full page continues on the next, each
 * page is numbered.
 */
final class PdfSheet implements AutoCloseable {

    static final float MARGIN = 56;
    private static final PDType1Font REGULAR = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
    private static final PDType1Font BOLD = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);

    private final PDDocument pdf = new PDDocument();
    private final List<PDPage> pages = new ArrayList<>();
    private PDPageContentStream content;
    private float y;

    PdfSheet(String title) {
        pdf.getDocumentInformation().setTitle(title);
        pdf.getDocumentInformation().setCreator("Relais");
        newPage();
    }

    PdfSheet title(String text) {
        return text(BOLD, 14, new float[] {0}, text);
    }

    PdfSheet line(String text) {
        return text(REGULAR, 10, new float[] {0}, text);
    }

    PdfSheet bold(String text) {
        return text(BOLD, 10, new float[] {0}, text);
    }

    /** One row of a table: the cells start at the given offsets from the left margin (points). */
    PdfSheet row(float[] columns, String... cells) {
        return text(REGULAR, 10, columns, cells);
    }

    PdfSheet header(float[] columns, String... cells) {
        return text(BOLD, 10, columns, cells);
    }

    PdfSheet gap() {
        y -= 8;
        return this;
    }

    byte[] bytes() {
        try {
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
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            pdf.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("could not render a billing PDF", e);
        }
    }

    @Override
    public void close() {
        try {
            pdf.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private PdfSheet text(PDType1Font font, float size, float[] columns, String... cells) {
        try {
            float height = size * 1.45f;
            if (y - height < MARGIN + 20) {
                newPage();
            }
            y -= height;
            for (int i = 0; i < cells.length && i < columns.length; i++) {
                content.beginText();
                content.setFont(font, size);
                content.newLineAtOffset(MARGIN + columns[i], y);
                content.showText(drawable(font, cells[i] == null ? "" : cells[i]));
                content.endText();
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("could not render a billing PDF", e);
        }
    }

    private void newPage() {
        try {
            if (content != null) {
                content.close();
            }
            PDPage page = new PDPage(PDRectangle.A4);
            pdf.addPage(page);
            pages.add(page);
            content = new PDPageContentStream(pdf, page);
            y = page.getMediaBox().getHeight() - MARGIN;
        } catch (IOException e) {
            throw new UncheckedIOException("could not render a billing PDF", e);
        }
    }

    private static String drawable(PDType1Font font, String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            // PDFBox draws the narrow no-break space of French amounts poorly: a plain space
            String s = c == '\t' || c == '\u202F' || c == '\u00A0' ? " " : new String(Character.toChars(c));
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
