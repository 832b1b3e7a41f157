import type { Label } from './i18n';

/** A window preset: width and center in Hounsfield units (the usual CT values). */
export interface Preset {
  id: string;
  label: Label;
  width: number;
  center: number;
}

export const PRESETS: readonly Preset[] = [
  { id: 'brain', label: 'presetBrain', width: 80, center: 40 },
  { id: 'subdural', label: 'presetSubdural', width: 200, center: 75 },
  { id: 'stroke', label: 'presetStroke', width: 40, center: 40 },
  { id: 'bone', label: 'presetBone', width: 2000, center: 500 },
  { id: 'lung', label: 'presetLung', width: 1500, center: -600 },
  { id: 'mediastinum', label: 'presetMediastinum', width: 350, center: 50 },
  { id: 'abdomen', label: 'presetAbdomen', width: 400, center: 50 },
  { id: 'liver', label: 'presetLiver', width: 150, center: 30 },
];
