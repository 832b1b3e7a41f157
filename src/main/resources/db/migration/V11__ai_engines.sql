-- External engines over DICOM: config {"aeTitle", "host", "port", "timeoutSeconds"}. The calling AE
-- title of an engine's SR says which engine answers, so two enabled DICOM engines cannot share one.
create unique index ai_engine_dicom_ae on ai_engine ((config->>'aeTitle')) where kind = 'DICOM' and enabled;
