// What the server put on the page (templates/reading/viewer.html): the exam, its study and the
// overlay facts taken from the index.

export interface StudyFacts {
  studyUid: string;
  studyDate: string;
  examType: string;
  accession: string;
  hospital: string;
  /** Set for a prior study: shown in the overlay so that nobody mistakes it for the current one. */
  priorOf?: string;
}

export interface ViewerContext {
  examId: string;
  dicomweb: string;
  api: string;
  holder: boolean;
  patient: { name: string; id: string; sex: string; age: string; birthDate: string };
  study: StudyFacts | null;
}

export function readContext(root: HTMLElement): ViewerContext {
  const d = root.dataset;
  const studyUid = d.studyUid ?? '';
  return {
    examId: d.examId ?? '',
    dicomweb: absolute(d.dicomweb ?? '/dicomweb'),
    api: absolute(d.api ?? '/api'),
    holder: d.holder === 'true',
    patient: {
      name: d.patientName ?? '',
      id: d.patientId ?? '',
      sex: d.patientSex ?? '',
      age: d.patientAge ?? '',
      birthDate: d.patientBirthDate ?? '',
    },
    study: studyUid
      ? {
          studyUid,
          studyDate: d.studyDate ?? '',
          examType: d.examType ?? '',
          accession: d.accession ?? '',
          hospital: d.hospital ?? '',
        }
      : null,
  };
}

function absolute(path: string): string {
  return new URL(path, window.location.href).href.replace(/\/$/, '');
}
