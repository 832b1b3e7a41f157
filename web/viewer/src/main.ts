// The Relais reading screen: series and priors on the left, one or two viewports with their
// toolbar in the middle, the report on the right (a slot the page provides). Everything comes from
// DICOMweb with the page's session.
import './viewer.css';
import { RenderingEngine } from '@cornerstonejs/core';
import type { Types as ToolTypes } from '@cornerstonejs/tools';
import { type StudyFacts, type ViewerContext, readContext } from './context';
import { DicomWebClient, type Prior, type SeriesSummary } from './dicomweb';
import { isoDate, type Label, t } from './i18n';
import { watchNewImages } from './new-images';
import { type Shown, ViewportPanel } from './panel';
import { PRESETS } from './presets';
import { fetchEnded, fetchNotice, readPriorsFetch } from './priorsFetch';
import { PRIMARY_TOOLS, type PrimaryTool, createToolGroup, fallBackToCpu, setPrimaryTool, startCornerstone } from './rendering';

const ENGINE_ID = 'relais-viewer';
const DRAG_TYPE = 'application/x-relais-series';
const ACTIVITY_EVERY_MS = 60_000;

class Viewer {
  private readonly client: DicomWebClient;
  private readonly engine: RenderingEngine;
  private readonly group: ToolTypes.IToolGroup;
  private readonly panels: [ViewportPanel, ViewportPanel];
  private readonly grid: HTMLElement;
  private readonly known = new Map<string, Shown>();
  private active: ViewportPanel;
  private layout: 1 | 2 = 1;
  private lastActivity = 0;
  private readonly cineButton: HTMLButtonElement;
  private readonly fpsInput: HTMLInputElement;
  private readonly layoutButton: HTMLButtonElement;

  constructor(private readonly root: HTMLElement, private readonly context: ViewerContext, private mode: 'gpu' | 'cpu') {
    this.client = new DicomWebClient(context.dicomweb, context.api);
    this.engine = new RenderingEngine(ENGINE_ID);
    this.group = createToolGroup();
    root.dataset.renderMode = mode;

    const side = el('nav', 'viewer-side');
    side.setAttribute('aria-label', t('series'));
    const seriesList = el('ul', 'series-list');
    seriesList.id = 'series-list';
    const priorsList = el('ul', 'priors-list');
    priorsList.id = 'priors-list';
    side.append(heading(t('series')), seriesList, heading(t('priors')), priorsList);

    const center = el('div', 'viewer-center');
    const toolbar = el('div', 'viewer-toolbar');
    toolbar.setAttribute('role', 'toolbar');
    this.grid = el('div', 'viewport-grid');
    this.grid.dataset.layout = '1';
    this.panels = [
      new ViewportPanel('viewport-1', 1, this.engine, this.client, context),
      new ViewportPanel('viewport-2', 2, this.engine, this.client, context),
    ];
    this.active = this.panels[0];
    this.panels.forEach((panel) => {
      this.grid.append(panel.root);
      panel.root.addEventListener('pointerdown', () => this.activate(panel), true);
      panel.root.addEventListener('dragover', (e) => {
        if (e.dataTransfer?.types.includes(DRAG_TYPE)) {
          e.preventDefault();
          panel.root.classList.add('drop-target');
        }
      });
      panel.root.addEventListener('dragleave', () => panel.root.classList.remove('drop-target'));
      panel.root.addEventListener('drop', (e) => {
        panel.root.classList.remove('drop-target');
        const shown = this.known.get(e.dataTransfer?.getData(DRAG_TYPE) ?? '');
        if (shown) {
          e.preventDefault();
          void this.showIn(panel, shown);
        }
      });
    });
    this.panels[1].root.hidden = true;
    center.append(toolbar, this.grid);
    root.replaceChildren(side, center);

    // Toolbar: left-button tool, presets, cine, layout, reset.
    const tools = group(t('tools'));
    (Object.keys(PRIMARY_TOOLS) as PrimaryTool[]).forEach((tool) => {
      const b = button(t(TOOL_LABELS[tool]), () => {
        setPrimaryTool(this.group, tool);
        tools.querySelectorAll('button').forEach((x) => x.setAttribute('aria-pressed', String(x === b)));
      });
      b.dataset.tool = tool;
      b.setAttribute('aria-pressed', String(tool === 'windowLevel'));
      tools.append(b);
    });
    const presets = group(t('presets'));
    PRESETS.forEach((preset, i) => {
      const b = button(t(preset.label), () => this.active.applyPreset(preset));
      b.dataset.preset = preset.id;
      b.title = `${preset.width} / ${preset.center} (${i + 1})`;
      presets.append(b);
    });
    const cine = group('cine');
    this.cineButton = button(t('cinePlay'), () => this.toggleCine());
    this.cineButton.id = 'cine-toggle';
    this.fpsInput = document.createElement('input');
    this.fpsInput.type = 'number';
    this.fpsInput.id = 'cine-fps';
    this.fpsInput.min = '1';
    this.fpsInput.max = '60';
    this.fpsInput.value = '12';
    this.fpsInput.addEventListener('change', () => {
      if (this.active.playing) {
        this.active.startCine(this.fps);
      }
    });
    const fpsLabel = document.createElement('label');
    fpsLabel.append(this.fpsInput, ` ${t('cineFps')}`);
    cine.append(this.cineButton, fpsLabel);
    const view = group('view');
    this.layoutButton = button(t('layoutTwo'), () => void this.setLayout(this.layout === 1 ? 2 : 1));
    this.layoutButton.id = 'layout-toggle';
    this.layoutButton.title = t('layoutTwoTitle');
    const reset = button(t('reset'), () => this.active.reset());
    reset.id = 'reset';
    view.append(this.layoutButton, reset);
    toolbar.append(tools, presets, cine, view);

    this.panels[0].enable();
    this.group.addViewport(this.panels[0].viewportId, ENGINE_ID);
    this.activate(this.panels[0]);
    new ResizeObserver(() => this.engine.resize(true, true)).observe(this.grid);
    document.addEventListener('keydown', (e) => this.onKey(e));
    ['pointerdown', 'wheel'].forEach((type) =>
      root.addEventListener(type, () => this.stillReading(), { passive: true }),
    );
    this.loadStudy(seriesList, priorsList);
    watchNewImages(context.examId, () => this.reloadSeries(seriesList));
    // The AI flag above the viewer (templates/reading/viewer.html): its button shows the key slice.
    document.querySelectorAll<HTMLButtonElement>('[data-ai-go-to-key]').forEach((b) =>
      b.addEventListener('click', () => void this.goToKeySlice(b.dataset.aiKeySeries ?? '', b.dataset.aiKeySop ?? '')),
    );
  }

  /** Shows the AI's key slice in the active panel, opening its series first when another is shown. */
  private async goToKeySlice(seriesUid: string, sopInstanceUid: string): Promise<void> {
    const study = this.context.study;
    const shown = study ? this.known.get(`${study.studyUid}|${seriesUid}`) : undefined;
    if (!shown || !sopInstanceUid) {
      return;
    }
    if (!(await this.active.goToInstance(sopInstanceUid))) {
      await this.showIn(this.active, shown);
      await this.active.goToInstance(sopInstanceUid);
    }
    this.active.root.dataset.aiKeyShown = sopInstanceUid;
  }

  private get fps(): number {
    return Number.parseInt(this.fpsInput.value, 10) || 12;
  }

  private loadStudy(seriesList: HTMLElement, priorsList: HTMLElement): void {
    const study = this.context.study;
    if (!study) {
      this.panels[0].root.querySelector('.viewport-message')!.textContent = t('noImages');
      seriesList.append(item('muted', t('noSeries')));
    } else {
      void this.listSeries(study, seriesList, 'current').then((series) => {
        const first = series[0];
        if (first) {
          void this.showIn(this.panels[0], first);
        } else {
          seriesList.append(item('muted', t('noSeries')));
        }
      });
    }
    void this.listPriors(priorsList);
  }

  /** Images came while the viewer was open (new-images.ts): the series list is built again. */
  private async reloadSeries(list: HTMLElement): Promise<void> {
    const study = this.context.study;
    if (!study) {
      window.location.reload(); // opened before any image: the page learns the study afresh
      return;
    }
    list.replaceChildren();
    if ((await this.listSeries(study, list, 'current')).length === 0) {
      list.append(item('muted', t('noSeries')));
    }
  }

  /** The series of a study, each with the thumbnail of its middle image; a click shows it. */
  private async listSeries(study: StudyFacts, list: HTMLElement, kind: 'current' | 'prior'): Promise<Shown[]> {
    let series: SeriesSummary[];
    try {
      series = await this.client.series(study.studyUid);
    } catch (e) {
      list.append(item('failure', t('loadFailed', e instanceof Error ? e.message : String(e))));
      return [];
    }
    const shown = series.map((s) => ({ study, series: s }));
    for (const s of shown) {
      const key = `${s.study.studyUid}|${s.series.seriesUid}`;
      this.known.set(key, s);
      const li = el('li', 'series-item');
      li.dataset.seriesUid = s.series.seriesUid;
      li.draggable = true;
      li.addEventListener('dragstart', (e) => e.dataTransfer?.setData(DRAG_TYPE, key));
      const thumb = document.createElement('img');
      thumb.className = 'series-thumb';
      thumb.alt = '';
      thumb.width = 64;
      thumb.height = 64;
      const label = el('span', 'series-label');
      label.textContent = [
        s.series.number === null ? '' : t('seriesLabel', s.series.number),
        s.series.modality,
        t('imagesCount', s.series.instanceCount),
      ]
        .filter(Boolean)
        .join(' · ');
      const pick = button('', () =>
        void (kind === 'prior' ? this.showSideBySide(s) : this.showIn(this.active, s)),
      );
      pick.className = 'series-pick';
      pick.append(thumb, label);
      const second = button(t('toSecond'), () => void this.showSideBySide(s));
      second.className = 'series-to-second';
      second.title = t('toSecondTitle');
      li.append(pick, second);
      list.append(li);
      void this.client
        .instances(study.studyUid, s.series.seriesUid)
        .then((instances) => {
          const middle = instances[Math.floor(instances.length / 2)];
          if (middle) {
            thumb.src = this.client.thumbnailUrl(study.studyUid, s.series.seriesUid, middle.sopInstanceUid);
          }
        })
        .catch((e: unknown) => console.warn('relais viewer: no thumbnail', e));
    }
    return shown;
  }

  private async listPriors(list: HTMLElement): Promise<void> {
    const pacs = readPriorsFetch(this.context.api, this.context.examId);
    let priors: Prior[];
    try {
      priors = await this.client.priors(this.context.examId);
    } catch (e) {
      console.warn('relais viewer: priors', e);
      list.append(item('muted', t('priorsFailed')));
      return;
    }
    // Priors from the hospital's PACS: still coming (listed again when they are) or not fetched.
    const fetch = await pacs;
    const notice = fetchNotice(fetch);
    if (notice) {
      list.append(notice);
    }
    if (fetch?.state === 'PENDING') {
      void fetchEnded(this.context.api, this.context.examId).then(() => {
        list.replaceChildren();
        void this.listPriors(list);
      });
    }
    if (priors.length === 0 && notice) {
      return;
    }
    if (priors.length === 0) {
      const none = item('muted', t('noPriors'));
      none.id = 'priors-empty';
      list.append(none);
      return;
    }
    for (const p of priors) {
      const li = el('li', 'prior');
      li.dataset.studyUid = p.studyInstanceUid;
      const nested = el('ul', 'series-list');
      let opened = false;
      const open = button(
        [isoDate(p.studyDate), p.examType || p.description, (p.modalities ?? '').split('\\').join('/'), t('instances', p.instanceCount)]
          .filter(Boolean)
          .join(' · '),
        () => {
          if (opened) {
            nested.hidden = !nested.hidden;
            return;
          }
          opened = true;
          const study: StudyFacts = {
            studyUid: p.studyInstanceUid,
            studyDate: isoDate(p.studyDate),
            examType: p.examType || p.description || '',
            accession: '',
            hospital: this.context.study?.hospital ?? '',
            priorOf: this.context.examId,
          };
          void this.listSeries(study, nested, 'prior');
        },
      );
      open.className = 'prior-open';
      li.append(open, nested);
      list.append(li);
    }
  }

  private activate(panel: ViewportPanel): void {
    this.active = panel;
    this.panels.forEach((p) => p.root.classList.toggle('active', p === panel));
    this.cineButton.textContent = panel.playing ? t('cinePause') : t('cinePlay');
  }

  /** Shows a series in the second viewport, side by side with the first. */
  private async showSideBySide(shown: Shown): Promise<void> {
    await this.setLayout(2);
    await this.showIn(this.panels[1], shown);
  }

  private async showIn(panel: ViewportPanel, shown: Shown): Promise<void> {
    if (panel === this.panels[1]) {
      await this.setLayout(2);
    }
    this.activate(panel);
    const ok = await panel.show(shown);
    if (!ok && this.mode === 'gpu' && !panel.hasRendered) {
      // The GPU path failed to draw (no usable WebGL after all): once more, on the CPU.
      console.warn('relais viewer: GPU rendering failed, using the CPU');
      this.mode = 'cpu';
      this.root.dataset.renderMode = 'cpu';
      fallBackToCpu();
      await panel.show(shown);
    }
  }

  private async setLayout(layout: 1 | 2): Promise<void> {
    if (layout === this.layout) {
      return;
    }
    this.layout = layout;
    this.grid.dataset.layout = String(layout);
    const second = this.panels[1];
    second.root.hidden = layout === 1;
    this.layoutButton.textContent = layout === 1 ? t('layoutTwo') : t('layoutOne');
    this.layoutButton.title = layout === 1 ? t('layoutTwoTitle') : t('layoutOneTitle');
    if (layout === 2) {
      await nextFrame(); // laid out, so that the new viewport has a size
      second.enable();
      this.group.addViewport(second.viewportId, ENGINE_ID);
    } else {
      this.group.removeViewports(ENGINE_ID, second.viewportId);
      second.disable();
      this.activate(this.panels[0]);
    }
    // The viewports changed shape: fit the images to their new size (a window resize keeps the camera).
    this.engine.resize(true, false);
  }

  private toggleCine(): void {
    if (this.active.playing) {
      this.active.stopCine();
    } else {
      this.active.startCine(this.fps);
    }
    this.cineButton.textContent = this.active.playing ? t('cinePause') : t('cinePlay');
    this.cineButton.setAttribute('aria-pressed', String(this.active.playing));
  }

  private onKey(e: KeyboardEvent): void {
    const target = e.target as HTMLElement | null;
    if (e.altKey || e.ctrlKey || e.metaKey || target?.closest('input, select, textarea, [contenteditable], #report-panel')) {
      return;
    }
    const panel = this.active;
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowRight':
        void panel.step(1);
        break;
      case 'ArrowUp':
      case 'ArrowLeft':
        void panel.step(-1);
        break;
      case 'PageDown':
        void panel.step(10);
        break;
      case 'PageUp':
        void panel.step(-10);
        break;
      case 'Home':
        void panel.go(0);
        break;
      case 'End':
        void panel.go(panel.imageCount - 1);
        break;
      default: {
        const preset = /^[1-8]$/.test(e.key) ? PRESETS[Number(e.key) - 1] : undefined;
        if (!preset) {
          return;
        }
        panel.applyPreset(preset);
      }
    }
    e.preventDefault();
    this.stillReading();
  }

  /** The holder is reading: the claim must not time out under them (at most one call a minute). */
  private stillReading(): void {
    const now = Date.now();
    if (!this.context.holder || now - this.lastActivity < ACTIVITY_EVERY_MS) {
      return;
    }
    this.lastActivity = now;
    this.client.stillReading(this.context.examId).catch((e: unknown) => console.warn('relais viewer: activity', e));
  }
}

const TOOL_LABELS: Record<PrimaryTool, Label> = {
  windowLevel: 'toolWindowLevel',
  pan: 'toolPan',
  zoom: 'toolZoom',
  length: 'toolLength',
  probe: 'toolProbe',
};

function el(tag: string, className: string): HTMLElement {
  const e = document.createElement(tag);
  e.className = className;
  return e;
}

function heading(text: string): HTMLElement {
  const h = document.createElement('h2');
  h.textContent = text;
  return h;
}

function item(className: string, text: string): HTMLElement {
  const li = el('li', className);
  li.textContent = text;
  return li;
}

function group(name: string): HTMLElement {
  const g = el('div', 'toolbar-group');
  g.setAttribute('role', 'group');
  g.setAttribute('aria-label', name);
  return g;
}

function button(text: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}

function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

function boot(): void {
  const root = document.getElementById('viewer');
  if (!root) {
    return;
  }
  const context = readContext(root);
  const mode = startCornerstone();
  new Viewer(root, context, mode);
  // A lost WebGL context (driver reset, too many contexts) would leave black viewports.
  document.addEventListener(
    'webglcontextlost',
    () => {
      if (root.dataset.renderMode === 'gpu') {
        root.dataset.renderMode = 'cpu';
        fallBackToCpu();
      }
    },
    true,
  );
}

boot();
