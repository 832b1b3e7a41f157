package fr.relais.ai;

import fr.relais.dicom.CtSlice;
import fr.relais.dicom.DicomHeader;
import fr.relais.storage.ObjectStore;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.util.List;

/**
 * Runs {@link HaemorrhageDetector} on a study's main CT series (the one with the most images),
 * decrypting one object at a time. Objects it cannot read (a compressed or colour image) are
 * skipped; an interrupt (the timeout) stops it between two slices.
 */
@Component
class BuiltinHaemorrhageEngine {

    private final JdbcClient jdbc;
    private final ObjectStore store;

    BuiltinHaemorrhageEngine(JdbcClient jdbc, ObjectStore store) {
        this.jdbc = jdbc;
        this.store = store;
    }

    HaemorrhageDetector.Finding analyse(long studyId) throws IOException, InterruptedException {
        // Read-only use of the study index (intake owns the tables), as DICOMweb does.
        List<String> keys = jdbc.sql("""
                select i.object_key from instance i
                where i.series_id = (select se.id from series se join instance x on x.series_id = se.id
                                     where se.study_id = :study and se.modality = 'CT'
                                     group by se.id order by count(*) desc, se.id limit 1)
                order by i.id""")
                .param("study", studyId).query(String.class).list();
        HaemorrhageDetector detector = new HaemorrhageDetector();
        for (String key : keys) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            try {
                detector.add(CtSlice.read(store.read(key)));
            } catch (DicomHeader.InvalidObjectException e) {
                // not an image the detector reads: left out
            }
        }
        return detector.finding();
    }
}
