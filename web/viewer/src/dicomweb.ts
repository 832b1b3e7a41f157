// DICOMweb (QIDO-RS, WADO-RS) and the JSON API, called with the page's session cookie. Reads need
// nothing more; anything that changes state sends the page's CSRF token, as the server requires.

export type DicomJson = Record<string, { vr: string; Value?: unknown[] } | undefined>;

export interface SeriesSummary {
  studyUid: string;
  seriesUid: string;
  modality: string;
  number: number | null;
  instanceCount: number;
}

export interface InstanceSummary {
  sopInstanceUid: string;
  instanceNumber: number | null;
}

/** An earlier study of the patient (GET /api/exams/{id}/priors); modalities joined by a backslash. */
export interface Prior {
  studyInstanceUid: string;
  studyDate: string | null;
  examType: string | null;
  description: string | null;
  modalities: string | null;
  instanceCount: number;
}

export class HttpError extends Error {
  constructor(readonly status: number, url: string) {
    super(`HTTP ${status} ${new URL(url).pathname}`);
  }
}

/** The first value of an attribute as a string ('' when absent); person names by their alphabetic form. */
export function text(json: DicomJson, tag: string): string {
  const value = json[tag]?.Value?.[0];
  if (value === undefined || value === null) {
    return '';
  }
  if (typeof value === 'object' && 'Alphabetic' in value) {
    return String((value as { Alphabetic: unknown }).Alphabetic ?? '');
  }
  return String(value);
}

export function num(json: DicomJson, tag: string): number | null {
  const value = json[tag]?.Value?.[0];
  const n = typeof value === 'number' ? value : Number.parseFloat(String(value ?? ''));
  return Number.isFinite(n) ? n : null;
}

export function nums(json: DicomJson, tag: string): number[] {
  return (json[tag]?.Value ?? []).map((v) => (typeof v === 'number' ? v : Number.parseFloat(String(v))));
}

export class DicomWebClient {
  constructor(private readonly root: string, private readonly api: string) {}

  async series(studyUid: string): Promise<SeriesSummary[]> {
    const list = await this.json<DicomJson[]>(`${this.root}/studies/${studyUid}/series`);
    return list
      .map((s) => ({
        studyUid,
        seriesUid: text(s, '0020000E'),
        modality: text(s, '00080060'),
        number: num(s, '00200011'),
        instanceCount: num(s, '00201209') ?? 0,
      }))
      .sort((a, b) => (a.number ?? Infinity) - (b.number ?? Infinity));
  }

  async instances(studyUid: string, seriesUid: string): Promise<InstanceSummary[]> {
    const list = await this.json<DicomJson[]>(`${this.root}/studies/${studyUid}/series/${seriesUid}/instances?limit=1000`);
    return list
      .map((i) => ({ sopInstanceUid: text(i, '00080018'), instanceNumber: num(i, '00200013') }))
      .sort((a, b) => (a.instanceNumber ?? Infinity) - (b.instanceNumber ?? Infinity));
  }

  /** The DICOM JSON of every instance of the series, without bulk data. */
  metadata(studyUid: string, seriesUid: string): Promise<DicomJson[]> {
    return this.json<DicomJson[]>(`${this.root}/studies/${studyUid}/series/${seriesUid}/metadata`);
  }

  seriesUrl(studyUid: string, seriesUid: string): string {
    return `${this.root}/studies/${studyUid}/series/${seriesUid}`;
  }

  thumbnailUrl(studyUid: string, seriesUid: string, sopInstanceUid: string): string {
    return `${this.seriesUrl(studyUid, seriesUid)}/instances/${sopInstanceUid}/thumbnail?viewport=96,96`;
  }

  /** Earlier studies of the patient; an empty list when the server has none (or no such endpoint yet). */
  async priors(examId: string): Promise<Prior[]> {
    try {
      return await this.json<Prior[]>(`${this.api}/exams/${examId}/priors`);
    } catch (e) {
      if (e instanceof HttpError && e.status === 404) {
        return [];
      }
      throw e;
    }
  }

  /** Tells the worklist the holder is still reading (the claim's idle clock starts again). */
  async stillReading(examId: string): Promise<void> {
    await this.send('POST', `${this.api}/worklist/${examId}/activity`);
  }

  private async json<T>(url: string): Promise<T> {
    const response = await fetch(url, {
      credentials: 'same-origin',
      headers: { Accept: 'application/dicom+json, application/json' },
    });
    if (!response.ok) {
      throw new HttpError(response.status, url);
    }
    return (await response.json()) as T;
  }

  private async send(method: string, url: string): Promise<void> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = document.querySelector<HTMLMetaElement>('meta[name="_csrf"]')?.content;
    const header = document.querySelector<HTMLMetaElement>('meta[name="_csrf_header"]')?.content ?? 'X-CSRF-TOKEN';
    if (token) {
      headers[header] = token;
    }
    const response = await fetch(url, { method, credentials: 'same-origin', headers });
    if (!response.ok) {
      throw new HttpError(response.status, url);
    }
  }
}
