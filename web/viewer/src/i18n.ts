// Labels in the page's language (the <html lang> the server set from the user's locale): French
// first, English when the page is English.

const fr = {
  series: 'Séries',
  priors: 'Antériorités',
  noPriors: 'Aucune antériorité',
  priorsFailed: 'Antériorités indisponibles',
  priorsFetching: 'Récupération des antériorités auprès du PACS de l’hôpital…',
  priorsFetchFailed: 'Antériorités du PACS non récupérées : {0}',
  noImages: 'Aucune image reçue pour cet examen.',
  noSeries: 'Aucune série',
  seriesLabel: 'Série {0}',
  imagesCount: '{0} images',
  toSecond: '→ 2',
  toSecondTitle: 'Afficher à droite (côte à côte)',
  tools: 'Outils',
  toolWindowLevel: 'Fenêtrage',
  toolPan: 'Déplacer',
  toolZoom: 'Zoom',
  toolLength: 'Longueur',
  toolProbe: 'Densité (UH)',
  presets: 'Fenêtres',
  presetBrain: 'Cerveau',
  presetSubdural: 'Sous-dural',
  presetStroke: 'AVC',
  presetBone: 'Os',
  presetLung: 'Poumon',
  presetMediastinum: 'Médiastin',
  presetAbdomen: 'Abdomen',
  presetLiver: 'Foie',
  cinePlay: 'Lecture',
  cinePause: 'Pause',
  cineFps: 'images/s',
  layoutTwo: '1×2',
  layoutOne: '1×1',
  layoutTwoTitle: 'Deux séries côte à côte',
  layoutOneTitle: 'Une seule série',
  reset: 'Réinitialiser',
  sliceOf: 'Image {0}/{1}',
  position: 'Pos. {0} mm',
  voi: 'F {0} / C {1}',
  zoom: 'Zoom {0} %',
  loading: 'Chargement {0}/{1}',
  loaded: '{0} images chargées',
  loadFailed: 'Échec du chargement : {0}',
  dropHere: 'Choisissez une série ou déposez-la ici',
  priorTag: 'ANTÉRIORITÉ',
  instances: '{0} images',
  sexAge: '{0}, {1}',
  born: 'né(e) le {0}',
  hu: 'UH',
};

const en: typeof fr = {
  series: 'Series',
  priors: 'Prior studies',
  noPriors: 'No prior study',
  priorsFailed: 'Prior studies unavailable',
  priorsFetching: 'Fetching prior studies from the hospital’s PACS…',
  priorsFetchFailed: 'Prior studies could not be fetched from the PACS: {0}',
  noImages: 'No image received for this exam yet.',
  noSeries: 'No series',
  seriesLabel: 'Series {0}',
  imagesCount: '{0} images',
  toSecond: '→ 2',
  toSecondTitle: 'Show on the right (side by side)',
  tools: 'Tools',
  toolWindowLevel: 'Window',
  toolPan: 'Pan',
  toolZoom: 'Zoom',
  toolLength: 'Length',
  toolProbe: 'Density (HU)',
  presets: 'Presets',
  presetBrain: 'Brain',
  presetSubdural: 'Subdural',
  presetStroke: 'Stroke',
  presetBone: 'Bone',
  presetLung: 'Lung',
  presetMediastinum: 'Mediastinum',
  presetAbdomen: 'Abdomen',
  presetLiver: 'Liver',
  cinePlay: 'Play',
  cinePause: 'Pause',
  cineFps: 'frames/s',
  layoutTwo: '1×2',
  layoutOne: '1×1',
  layoutTwoTitle: 'Two series side by side',
  layoutOneTitle: 'One series',
  reset: 'Reset',
  sliceOf: 'Image {0}/{1}',
  position: 'Pos. {0} mm',
  voi: 'W {0} / L {1}',
  zoom: 'Zoom {0} %',
  loading: 'Loading {0}/{1}',
  loaded: '{0} images loaded',
  loadFailed: 'Loading failed: {0}',
  dropHere: 'Choose a series or drop it here',
  priorTag: 'PRIOR STUDY',
  instances: '{0} images',
  sexAge: '{0}, {1}',
  born: 'born {0}',
  hu: 'HU',
};

export type Label = keyof typeof fr;

export const lang: string = document.documentElement.lang === 'en' ? 'en' : 'fr';
const labels = lang === 'en' ? en : fr;

/** The label, with {0}, {1}... replaced by the arguments. */
export function t(key: Label, ...args: Array<string | number>): string {
  return labels[key].replace(/\{(\d)\}/g, (_, i: string) => String(args[Number(i)] ?? ''));
}

const decimal = new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'fr-FR', { maximumFractionDigits: 1 });

export function number(value: number): string {
  return decimal.format(value);
}

/** A DICOM date (YYYYMMDD) as the users write it; anything else unchanged. */
export function dicomDate(value: string | undefined): string {
  if (!value || !/^\d{8}$/.test(value)) {
    return value ?? '';
  }
  return `${value.slice(6, 8)}/${value.slice(4, 6)}/${value.slice(0, 4)}`;
}

/** A DICOM time (HHMMSS.frac) as HH:MM. */
export function dicomTime(value: string | undefined): string {
  if (!value || !/^\d{4}/.test(value)) {
    return '';
  }
  return `${value.slice(0, 2)}:${value.slice(2, 4)}`;
}

/** An ISO date (2026-10-01) as 01/10/2026. */
export function isoDate(value: string | undefined | null): string {
  if (!value || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    return value ?? '';
  }
  return `${value.slice(8, 10)}/${value.slice(5, 7)}/${value.slice(0, 4)}`;
}
