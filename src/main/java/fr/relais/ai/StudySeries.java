package fr.relais.ai;

import fr.relais.dicom.CtSlice;
import fr.relais.dicom.DicomHeader;
import fr.relais.storage.ObjectStore;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;

/**
 * The main CT series of a study (the one with the most images) as the engines read it: one
 * decrypted object at a time; compressed objects are decoded like the viewer's frames. An object of
 * it that the engines cannot read (compressed in a syntax the server does not decode, compressed data
 * that does not decode, not a 16-bit grey image) stops the reading with an {@link UnreadableSeriesException}: an answer
 * about the slices left would be a "no finding" for images no engine saw. An interrupt (the
 * timeout) stops the reading between two slices with a {@link CancellationException}.
 */
@Component
class StudySeries {

    /** The engines cannot read the series, or part of it: the analysis fails with this reason, never answers. */
    static final class UnreadableSeriesException extends RuntimeException {
        private final AiRuns.Failure failure;

        UnreadableSeriesException(AiRuns.Failure failure, String detail) {
            super(detail);
            this.failure = failure;
        }

        AiRuns.Failure failure() {
            return failure;
        }
    }

    private final JdbcClient jdbc;
    private final ObjectStore store;

    StudySeries(JdbcClient jdbc, ObjectStore store) {
        this.jdbc = jdbc;
        this.store = store;
    }

    Iterable<CtSlice> mainCtSeries(long studyId) {
        // Read-only use of the study index (intake owns the tables), as DICOMweb does.
        List<String> keys = jdbc.sql("""
                select i.object_key from instance i
                where i.series_id = (select se.id from series se join instance x on x.series_id = se.id
                                     where se.study_id = :study and se.modality = 'CT'
                                     group by se.id order by count(*) desc, se.id limit 1)
                order by i.id""")
                .param("study", studyId).query(String.class).list();
        return () -> new Iterator<>() {
            private int next;
            private CtSlice ahead = advance();

            private CtSlice advance() {
                while (next < keys.size()) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new CancellationException("interrupted");
                    }
                    String key = keys.get(next++);
                    try {
                        return CtSlice.read(store.read(key));
                    } catch (CtSlice.CompressedPixelsException e) {
                        throw new UnreadableSeriesException(AiRuns.Failure.COMPRESSED_IMAGES,
                                "image " + next + " of " + keys.size() + ": " + e.getMessage());
                    } catch (DicomHeader.InvalidObjectException e) {
                        throw new UnreadableSeriesException(AiRuns.Failure.UNREADABLE_IMAGES,
                                "image " + next + " of " + keys.size() + ": " + e.getMessage());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return ahead != null;
            }

            @Override
            public CtSlice next() {
                if (ahead == null) {
                    throw new NoSuchElementException();
                }
                CtSlice s = ahead;
                ahead = advance();
                return s;
            }
        };
    }
}
