// Cornerstone3D set up once per page: the core (GPU through WebGL, or the CPU path where WebGL is
// missing, as in headless browsers or machines without a GPU), the WADO-RS image loader, and one
// tool group shared by the viewports.
import {
  Enums as CoreEnums,
  init as coreInit,
  imageRetrievalPoolManager,
  setUseCPURendering,
} from '@cornerstonejs/core';
import { init as loaderInit } from '@cornerstonejs/dicom-image-loader';
import {
  Enums as ToolEnums,
  LengthTool,
  PanTool,
  StackScrollTool,
  ToolGroupManager,
  WindowLevelTool,
  ZoomTool,
  addTool,
  init as toolsInit,
} from '@cornerstonejs/tools';
import type { Types as ToolTypes } from '@cornerstonejs/tools';
import { t } from './i18n';
import { HounsfieldProbeTool, probeText } from './probe';

export type RenderMode = 'gpu' | 'cpu';

/** The tools the left button can hold, chosen from the toolbar. */
export const PRIMARY_TOOLS = {
  windowLevel: WindowLevelTool.toolName,
  pan: PanTool.toolName,
  zoom: ZoomTool.toolName,
  length: LengthTool.toolName,
  probe: HounsfieldProbeTool.toolName,
} as const;
export type PrimaryTool = keyof typeof PRIMARY_TOOLS;

const TOOL_GROUP = 'relais-reading';

/** WebGL that really gives a context: headless Chromium without SwiftShader answers null. */
function webglAvailable(): boolean {
  try {
    const canvas = document.createElement('canvas');
    return Boolean(canvas.getContext('webgl2') ?? canvas.getContext('webgl'));
  } catch {
    return false;
  }
}

/** Starts Cornerstone; `?render=cpu` in the address forces the CPU path (to compare, or on a bad driver). */
export function startCornerstone(): RenderMode {
  const forced = new URLSearchParams(window.location.search).get('render');
  const mode: RenderMode = forced === 'cpu' || !webglAvailable() ? 'cpu' : 'gpu';
  coreInit();
  if (mode === 'cpu') {
    setUseCPURendering(true, false);
  }
  toolsInit();
  loaderInit({ maxWebWorkers: Math.max(1, Math.min(4, Math.floor((navigator.hardwareConcurrency || 2) / 2))) });
  // Background prefetch leaves room for the slice the radiologist asks for (browsers open about six
  // connections to one server).
  imageRetrievalPoolManager.setMaxSimultaneousRequests(CoreEnums.RequestType.Prefetch, 4);
  imageRetrievalPoolManager.setMaxSimultaneousRequests(CoreEnums.RequestType.Interaction, 6);
  [WindowLevelTool, PanTool, ZoomTool, StackScrollTool, LengthTool, HounsfieldProbeTool].forEach((tool) => addTool(tool));
  return mode;
}

/** Falls back to the CPU path after the GPU failed to draw. */
export function fallBackToCpu(): void {
  setUseCPURendering(true, true);
}

export function createToolGroup(): ToolTypes.IToolGroup {
  const group = ToolGroupManager.createToolGroup(TOOL_GROUP);
  if (!group) {
    throw new Error('tool group already exists');
  }
  Object.values(PRIMARY_TOOLS).forEach((name) =>
    group.addTool(name, name === HounsfieldProbeTool.toolName ? { getTextLines: probeText(t('hu')) } : undefined),
  );
  group.addTool(StackScrollTool.toolName);
  const { MouseBindings } = ToolEnums;
  group.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: MouseBindings.Wheel }] });
  setPrimaryTool(group, 'windowLevel');
  return group;
}

/**
 * Gives the left button to one tool. The others lose it (setToolActive only adds bindings) but keep
 * their own buttons: middle pans, right zooms; measurements stay shown and editable (passive).
 */
export function setPrimaryTool(group: ToolTypes.IToolGroup, tool: PrimaryTool): void {
  const { MouseBindings } = ToolEnums;
  const own: Record<string, Array<{ mouseButton: number }>> = {
    [PanTool.toolName]: [{ mouseButton: MouseBindings.Auxiliary }],
    [ZoomTool.toolName]: [{ mouseButton: MouseBindings.Secondary }],
  };
  for (const [key, name] of Object.entries(PRIMARY_TOOLS)) {
    if (key === tool) {
      continue;
    }
    group.setToolPassive(name);
    const keep = own[name];
    if (keep) {
      group.setToolActive(name, { bindings: keep });
    }
  }
  const name = PRIMARY_TOOLS[tool];
  group.setToolActive(name, { bindings: [...(own[name] ?? []), { mouseButton: MouseBindings.Primary }] });
}
