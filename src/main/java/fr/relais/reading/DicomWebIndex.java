package fr.relais.reading;

import fr.relais.security.AccountPrincipal;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** QIDO-RS answered from the index alone, with the access rule inside the query. */
@Repository
class DicomWebIndex {

    record StudyRow(long id, String studyUid, LocalDate studyDate, String accessionNumber, String modalities,
                    int seriesCount, int instanceCount) {}

    record SeriesRow(long id, String seriesUid, String modality, Integer seriesNumber, int instanceCount) {}

    record InstanceRow(String seriesUid, String sopClassUid, String sopInstanceUid, Integer instanceNumber,
                       String transferSyntax, String objectKey) {}

    record MetadataRow(long instanceId, String objectKey, String metadata) {}

    private final JdbcClient jdbc;
    private final StudyAccess access;

    DicomWebIndex(JdbcClient jdbc, StudyAccess access) {
        this.access = access;
        this.jdbc = jdbc;
    }

    List<StudyRow> studies(AccountPrincipal user, String studyUid, String accession, String modality, int limit, int offset) {
        StringBuilder sql = new StringBuilder("""
                select s.id, s.study_uid, s.study_date, s.accession_number,
                       (select string_agg(distinct x.modality, '\\') from series x where x.study_id = s.id) as modalities,
                       (select count(*) from series x where x.study_id = s.id) as series_count,
                       s.instance_count
                from""").append(' ').append(StudyAccess.STUDY_AND_EXAM).append(" where ").append(StudyAccess.READABLE);
        Map<String, Object> params = new LinkedHashMap<>();
        if (studyUid != null) {
            sql.append(" and s.study_uid = :uid");
            params.put("uid", studyUid);
        }
        if (accession != null) {
            sql.append(" and s.accession_number = :accession");
            params.put("accession", accession);
        }
        if (modality != null) {
            sql.append(" and exists (select 1 from series x where x.study_id = s.id and x.modality = :modality)");
            params.put("modality", modality);
        }
        sql.append(" order by s.id desc limit :limit offset :offset");
        params.put("limit", limit);
        params.put("offset", offset);
        return access.bind(jdbc.sql(sql.toString()).params(params), user)
                .query((rs, n) -> new StudyRow(rs.getLong("id"), rs.getString("study_uid"),
                        rs.getObject("study_date", LocalDate.class), rs.getString("accession_number"),
                        rs.getString("modalities"), rs.getInt("series_count"), rs.getInt("instance_count")))
                .list();
    }

    List<SeriesRow> series(long studyId, String seriesUid, String modality, int limit, int offset) {
        StringBuilder sql = new StringBuilder("""
                select x.id, x.series_uid, x.modality, x.series_number,
                       (select count(*) from instance i where i.series_id = x.id) as instance_count
                from series x where x.study_id = :study""");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("study", studyId);
        if (seriesUid != null) {
            sql.append(" and x.series_uid = :uid");
            params.put("uid", seriesUid);
        }
        if (modality != null) {
            sql.append(" and x.modality = :modality");
            params.put("modality", modality);
        }
        sql.append(" order by x.series_number nulls last, x.id limit :limit offset :offset");
        params.put("limit", limit);
        params.put("offset", offset);
        return jdbc.sql(sql.toString()).params(params)
                .query((rs, n) -> new SeriesRow(rs.getLong("id"), rs.getString("series_uid"), rs.getString("modality"),
                        (Integer) rs.getObject("series_number"), rs.getInt("instance_count")))
                .list();
    }

    /** Instances of the study, of one series when seriesUid is set, of one instance when sopInstanceUid is. */
    List<InstanceRow> instances(long studyId, String seriesUid, String sopInstanceUid, int limit, int offset) {
        return instanceQuery("x.series_uid, i.sop_class_uid, i.sop_instance_uid, i.instance_number, i.transfer_syntax, i.object_key",
                studyId, seriesUid, sopInstanceUid, " limit " + limit + " offset " + offset)
                .query((rs, n) -> new InstanceRow(rs.getString("series_uid"), rs.getString("sop_class_uid"),
                        rs.getString("sop_instance_uid"), (Integer) rs.getObject("instance_number"),
                        rs.getString("transfer_syntax"), rs.getString("object_key")))
                .list();
    }

    /** The columns asked for, of the instances of a study, a series or one instance, in instance order. */
    private JdbcClient.StatementSpec instanceQuery(String columns, long studyId, String seriesUid, String sopInstanceUid,
                                                  String paging) {
        StringBuilder sql = new StringBuilder("select " + columns
                + " from instance i join series x on x.id = i.series_id where x.study_id = :study");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("study", studyId);
        if (seriesUid != null) {
            sql.append(" and x.series_uid = :series");
            params.put("series", seriesUid);
        }
        if (sopInstanceUid != null) {
            sql.append(" and i.sop_instance_uid = :sop");
            params.put("sop", sopInstanceUid);
        }
        sql.append(" order by x.series_number nulls last, x.id, i.instance_number nulls last, i.id").append(paging);
        return jdbc.sql(sql.toString()).params(params);
    }

    /**
     * The stored object of one instance, if the user may read its study: the access rule and the
     * lookup in one query, for the requests that come by the hundred (frames).
     */
    java.util.Optional<String> readableObject(AccountPrincipal user, String studyUid, String seriesUid, String sopInstanceUid) {
        return access.bind(jdbc.sql("""
                        select i.object_key from study s left join exam e on e.study_id = s.id
                        join series x on x.study_id = s.id join instance i on i.series_id = x.id
                        where s.study_uid = :study and x.series_uid = :series and i.sop_instance_uid = :sop and"""
                        + " " + StudyAccess.READABLE + " order by s.id desc limit 1")
                        .param("study", studyUid).param("series", seriesUid).param("sop", sopInstanceUid), user)
                .query(String.class).optional();
    }

    /** The stored DICOM JSON of the study's instances, of one series, of one instance; in instance order. */
    List<MetadataRow> metadata(long studyId, String seriesUid, String sopInstanceUid) {
        return instanceQuery("i.id, i.object_key, i.metadata", studyId, seriesUid, sopInstanceUid, "")
                .query((rs, n) -> new MetadataRow(rs.getLong("id"), rs.getString("object_key"), rs.getString("metadata")))
                .list();
    }

    /** Keeps the metadata computed for an instance indexed before the index kept it. */
    void fillMetadata(long instanceId, String metadata) {
        jdbc.sql("update instance set metadata = :metadata where id = :id and metadata is null")
                .param("metadata", metadata).param("id", instanceId).update();
    }

    static List<String> split(String multiValued) {
        return multiValued == null || multiValued.isEmpty() ? List.of() : new ArrayList<>(Arrays.asList(multiValued.split("\\\\")));
    }
}
