// The Hounsfield probe. Cornerstone's ProbeTool (5.14) reads a stack image at k = the slice's index
// in the stack, but each stack image holds a single slice: past the first slice it finds nothing
// and shows no value. This one reads the shown image itself and prints the value with its unit.
import { cache } from '@cornerstonejs/core';
import { ProbeTool } from '@cornerstonejs/tools';
import { number } from './i18n';

interface ProbeStats {
  index?: number[] | null;
  value?: number | number[] | null;
  Modality?: string;
  modalityUnit?: string;
}

export class HounsfieldProbeTool extends ProbeTool {
  static override toolName = 'HounsfieldProbe';

  override _calculateCachedStats(annotation: unknown, renderingEngine: unknown, enabledElement: unknown, changeType?: never): unknown {
    const stats = super._calculateCachedStats(annotation, renderingEngine, enabledElement, changeType) as Record<string, ProbeStats>;
    for (const [targetId, s] of Object.entries(stats ?? {})) {
      if (!targetId.startsWith('imageId:') || s.value !== undefined || !s.index) {
        continue;
      }
      const [i = 0, j = 0] = s.index;
      const value = cache.getImage(targetId.slice('imageId:'.length))?.voxelManager?.getAtIJK(i, j, 0);
      if (typeof value === 'number') {
        s.value = value;
        s.modalityUnit = s.Modality === 'CT' ? 'HU' : '';
      }
    }
    return stats;
  }
}

/** One line: the value and its unit ("42 UH" in French, as radiologists write it). */
export function probeText(unitHu: string) {
  return (data: { cachedStats: Record<string, ProbeStats> }, targetId: string): string[] | undefined => {
    const s = data.cachedStats[targetId];
    if (!s || typeof s.value !== 'number') {
      return undefined;
    }
    const unit = s.modalityUnit === 'HU' ? unitHu : s.modalityUnit ?? '';
    return [`${number(s.value)} ${unit}`.trim()];
  };
}
