// One viewport of the reading screen: a Cornerstone stack viewport, its overlay corners, its cine and
// the background loading of its series.
import {
  Enums,
  cache,
  imageLoader,
  utilities,
  type RenderingEngine,
  type Types,
} from '@cornerstonejs/core';
import { wadors } from '@cornerstonejs/dicom-image-loader';
import type { StudyFacts, ViewerContext } from './context';
import { type DicomJson, type DicomWebClient, type SeriesSummary, num, nums, text } from './dicomweb';
import { dicomTime, number, t } from './i18n';
import type { Preset } from './presets';

/** What a panel shows: a series of a study (the current one or a prior). */
export interface Shown {
  study: StudyFacts;
  series: SeriesSummary;
}

interface Slice {
  imageId: string;
  instanceNumber: number | null;
  position: number | null;
  sliceLocation: number | null;
}

/**
 * The most frames one instance may bring to a stack. Intake refuses any object whose pixel data
 * does not hold the frames its header announces (a 1 GiB 512 x 512 object holds 2,047); only an
 * object stored before that check could announce more.
 */
const MAX_FRAMES_PER_INSTANCE = 10000;

export class ViewportPanel {
  readonly root: HTMLElement;
  readonly element: HTMLDivElement;
  private readonly corner: Record<'tl' | 'tr' | 'bl' | 'br', HTMLElement>;
  private readonly progress: HTMLElement;
  private readonly message: HTMLElement;
  private slices: Slice[] = [];
  private shown: Shown | null = null;
  private seriesDescription = '';
  private studyTime = '';
  private generation = 0;
  private enabled = false;
  private cine: { timer: number; busy: boolean } | null = null;

  constructor(
    readonly viewportId: string,
    readonly number: number,
    private readonly engine: RenderingEngine,
    private readonly client: DicomWebClient,
    private readonly context: ViewerContext,
  ) {
    this.root = el('section', 'viewport-panel');
    this.root.id = `panel-${number}`;
    this.root.dataset.viewportId = viewportId;
    this.element = el('div', 'viewport') as HTMLDivElement;
    this.element.id = `viewport-${number}`;
    this.element.tabIndex = -1;
    this.element.addEventListener('contextmenu', (e) => e.preventDefault());
    this.corner = {
      tl: overlay('tl', 'patient'),
      tr: overlay('tr', 'study'),
      bl: overlay('bl', 'slice'),
      br: overlay('br', 'voi'),
    };
    this.progress = el('div', 'viewport-progress');
    this.progress.dataset.overlay = 'progress';
    this.progress.setAttribute('role', 'status');
    this.progress.hidden = true;
    this.message = el('p', 'viewport-message');
    this.message.textContent = t('dropHere');
    this.root.append(this.element, ...Object.values(this.corner), this.progress, this.message);
    this.element.addEventListener(Enums.Events.STACK_NEW_IMAGE, () => this.drawSliceCorner());
    this.element.addEventListener(Enums.Events.VOI_MODIFIED, () => this.drawVoiCorner());
    this.element.addEventListener(Enums.Events.CAMERA_MODIFIED, () => this.drawVoiCorner());
    this.element.addEventListener(Enums.Events.IMAGE_RENDERED, () => {
      this.root.dataset.rendered = 'true';
    });
  }

  /** Gives the element to Cornerstone (once it is laid out: a hidden element has no size). */
  enable(): void {
    if (this.enabled) {
      return;
    }
    this.engine.enableElement({
      viewportId: this.viewportId,
      type: Enums.ViewportType.STACK,
      element: this.element,
      defaultOptions: { background: [0, 0, 0] },
    });
    this.enabled = true;
  }

  disable(): void {
    if (!this.enabled) {
      return;
    }
    this.stopCine();
    this.generation++;
    this.engine.disableElement(this.viewportId);
    this.enabled = false;
    this.slices = [];
    this.shown = null;
    this.root.dataset.rendered = 'false';
    Object.values(this.corner).forEach((c) => (c.textContent = ''));
    this.progress.hidden = true;
    this.message.hidden = false;
    this.message.textContent = t('dropHere');
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  get current(): Shown | null {
    return this.shown;
  }

  private get viewport(): Types.IStackViewport {
    return this.engine.getViewport<Types.IStackViewport>(this.viewportId);
  }

  /**
   * Shows a series: its metadata first (one request), then the first image as soon as its frame
   * arrives, then every other frame in the background with a visible count.
   */
  async show(shown: Shown): Promise<boolean> {
    this.enable();
    this.stopCine();
    const generation = ++this.generation;
    this.shown = shown;
    this.message.hidden = true;
    this.root.dataset.seriesUid = shown.series.seriesUid;
    this.root.dataset.rendered = 'false';
    this.setProgress(0, shown.series.instanceCount);
    try {
      const metadata = await this.client.metadata(shown.study.studyUid, shown.series.seriesUid);
      if (generation !== this.generation) {
        return false;
      }
      this.slices = this.register(shown, metadata);
      const first = metadata[0] ?? {};
      this.seriesDescription = text(first, '0008103E');
      this.studyTime = dicomTime(text(first, '00080030'));
      this.drawPatientCorners();
      if (this.slices.length === 0) {
        throw new Error(t('noSeries'));
      }
      await this.viewport.setStack(
        this.slices.map((s) => s.imageId),
        0,
      );
      if (generation !== this.generation) {
        return false;
      }
      this.viewport.render();
      this.drawSliceCorner();
      this.drawVoiCorner();
      void this.prefetch(generation);
      return true;
    } catch (e) {
      if (generation === this.generation) {
        this.progress.hidden = true;
        this.message.hidden = false;
        this.message.textContent = t('loadFailed', e instanceof Error ? e.message : String(e));
        console.error('relais viewer: cannot show series', e);
      }
      return false;
    }
  }

  get hasRendered(): boolean {
    return this.root.dataset.rendered === 'true';
  }

  /** Registers every instance's metadata with the WADO-RS loader; slices in instance order. */
  private register(shown: Shown, metadata: DicomJson[]): Slice[] {
    const base = this.client.seriesUrl(shown.study.studyUid, shown.series.seriesUid);
    const slices: Slice[] = [];
    for (const instance of metadata) {
      if (num(instance, '00280010') === null) {
        continue; // no pixels (a report, a presentation state)
      }
      const sop = text(instance, '00080018');
      const frames = Math.max(1, num(instance, '00280008') ?? 1);
      if (frames > MAX_FRAMES_PER_INSTANCE) {
        // Stored before the intake checked pixel modules: its header is not to be believed, and
        // the server refuses its frames anyway. One slice per announced frame would hang the page.
        console.warn(`instance ${sop} announces ${frames} frames; left out`);
        continue;
      }
      const ipp = nums(instance, '00200032');
      const iop = nums(instance, '00200037');
      const position = ipp.length === 3 && iop.length === 6 ? alongNormal(ipp, iop) : null;
      const firstFrame = `wadors:${base}/instances/${sop}/frames/1`;
      wadors.metaDataManager.add(firstFrame, instance as Parameters<typeof wadors.metaDataManager.add>[1]);
      for (let f = 1; f <= frames; f++) {
        slices.push({
          imageId: f === 1 ? firstFrame : `wadors:${base}/instances/${sop}/frames/${f}`,
          instanceNumber: num(instance, '00200013'),
          position,
          sliceLocation: num(instance, '00201041'),
        });
      }
    }
    return slices.sort(
      (a, b) =>
        (a.instanceNumber ?? Infinity) - (b.instanceNumber ?? Infinity) || (a.position ?? 0) - (b.position ?? 0),
    );
  }

  /** Loads the frames not yet cached, nearest to the shown slice first; the count follows. */
  private async prefetch(generation: number): Promise<void> {
    const ids = this.slices.map((s) => s.imageId);
    const start = this.viewport.getCurrentImageIdIndex();
    const order = ids
      .map((id, i) => ({ id, distance: Math.abs(i - start) }))
      .sort((a, b) => a.distance - b.distance)
      .map((x) => x.id);
    let done = ids.filter((id) => cache.isLoaded(id)).length;
    this.setProgress(done, ids.length);
    await Promise.all(
      order
        .filter((id) => !cache.isLoaded(id))
        .map((id) =>
          imageLoader
            .loadAndCacheImage(id, { priority: 0, requestType: Enums.RequestType.Prefetch })
            .catch((e: unknown) => console.warn('relais viewer: frame not loaded', id, e))
            .finally(() => {
              if (generation === this.generation) {
                this.setProgress(++done, ids.length);
              }
            }),
        ),
    );
  }

  private setProgress(done: number, total: number): void {
    this.progress.hidden = false;
    this.progress.dataset.done = String(done);
    this.progress.dataset.total = String(total);
    if (done >= total && total > 0) {
      this.progress.textContent = t('loaded', total);
      this.progress.classList.add('complete');
    } else {
      this.progress.textContent = t('loading', done, total);
      this.progress.classList.remove('complete');
    }
  }

  // ---- navigation

  get imageCount(): number {
    return this.slices.length;
  }

  get imageIndex(): number {
    return this.shown && this.enabled ? this.viewport.getCurrentImageIdIndex() : 0;
  }

  /** Goes to the first frame of an instance of the shown series; false when the series has none such. */
  async goToInstance(sopInstanceUid: string): Promise<boolean> {
    const index = this.slices.findIndex((s) => s.imageId.endsWith(`/instances/${sopInstanceUid}/frames/1`));
    if (index < 0) {
      return false;
    }
    await this.go(index);
    return true;
  }

  async go(index: number): Promise<void> {
    if (!this.shown || this.slices.length === 0) {
      return;
    }
    const target = Math.max(0, Math.min(this.slices.length - 1, index));
    if (target !== this.imageIndex) {
      await this.viewport.setImageIdIndex(target);
    }
  }

  step(delta: number): Promise<void> {
    return this.go(this.imageIndex + delta);
  }

  get playing(): boolean {
    return this.cine !== null;
  }

  /** Cine: one slice per tick, looping; a tick whose slice is not drawn yet is skipped rather than queued. */
  startCine(fps: number): void {
    this.stopCine();
    if (this.slices.length < 2) {
      return;
    }
    const cine = {
      busy: false,
      timer: window.setInterval(() => {
        if (cine.busy) {
          return;
        }
        cine.busy = true;
        const next = (this.imageIndex + 1) % this.slices.length;
        this.viewport
          .setImageIdIndex(next)
          .catch(() => undefined)
          .finally(() => (cine.busy = false));
      }, 1000 / Math.max(1, Math.min(60, fps))),
    };
    this.cine = cine;
  }

  stopCine(): void {
    if (this.cine) {
      window.clearInterval(this.cine.timer);
      this.cine = null;
    }
  }

  // ---- display

  applyPreset(preset: Preset): void {
    if (!this.shown) {
      return;
    }
    this.viewport.setProperties({ voiRange: utilities.windowLevel.toLowHighRange(preset.width, preset.center) });
    this.viewport.render();
    this.drawVoiCorner();
  }

  reset(): void {
    if (!this.shown) {
      return;
    }
    this.viewport.resetCamera();
    this.viewport.resetProperties();
    this.viewport.render();
    this.drawVoiCorner();
  }

  private drawPatientCorners(): void {
    const p = this.context.patient;
    const study = this.shown?.study;
    lines(this.corner.tl, [
      p.name,
      p.id,
      [p.sex, p.age].filter(Boolean).join(', '),
      p.birthDate ? t('born', p.birthDate) : '',
    ]);
    // A prior says so first (it is the same hospital's: no need to repeat it).
    lines(this.corner.tr, [
      study?.priorOf ? t('priorTag') : study?.hospital ?? '',
      [study?.studyDate ?? '', this.studyTime].filter(Boolean).join(' '),
      study?.examType ?? '',
      study?.accession ?? '',
    ]);
    this.corner.tr.classList.toggle('prior', Boolean(study?.priorOf));
  }

  private drawSliceCorner(): void {
    if (!this.shown || this.slices.length === 0) {
      return;
    }
    const index = this.imageIndex;
    const slice = this.slices[index];
    const location = slice?.sliceLocation ?? slice?.position ?? null;
    this.root.dataset.imageIndex = String(index);
    const series = this.shown.series;
    lines(this.corner.bl, [
      t('sliceOf', index + 1, this.slices.length),
      location === null ? '' : t('position', number(location)),
      [series.number === null ? '' : t('seriesLabel', series.number), series.modality, this.seriesDescription]
        .filter(Boolean)
        .join(' · '),
    ]);
    this.corner.bl.firstElementChild?.setAttribute('data-slice', `${index + 1}/${this.slices.length}`);
  }

  private drawVoiCorner(): void {
    if (!this.shown || !this.enabled) {
      return;
    }
    const range = this.viewport.getProperties().voiRange;
    const voi = range ? utilities.windowLevel.toWindowLevel(range.lower, range.upper) : null;
    let zoom = '';
    try {
      zoom = t('zoom', Math.round(this.viewport.getZoom() * 100));
    } catch {
      // no camera yet
    }
    lines(this.corner.br, [
      voi ? t('voi', Math.round(voi.windowWidth), Math.round(voi.windowCenter)) : '',
      zoom,
    ]);
    if (voi) {
      this.corner.br.dataset.voi = `${Math.round(voi.windowWidth)}/${Math.round(voi.windowCenter)}`;
    }
  }
}

function el(tag: string, className: string): HTMLElement {
  const e = document.createElement(tag);
  e.className = className;
  return e;
}

function overlay(corner: string, what: string): HTMLElement {
  const e = el('div', `viewport-overlay ${corner}`);
  e.dataset.overlay = what;
  e.setAttribute('aria-live', what === 'slice' ? 'polite' : 'off');
  return e;
}

function lines(target: HTMLElement, values: string[]): void {
  target.replaceChildren(
    ...values.filter((v) => v !== '').map((v) => {
      const line = document.createElement('div');
      line.textContent = v;
      return line;
    }),
  );
}

/** The patient position projected on the slice normal: the slice position in millimetres. */
function alongNormal(ipp: number[], iop: number[]): number {
  const [r0 = 0, r1 = 0, r2 = 0, c0 = 0, c1 = 0, c2 = 0] = iop;
  const n = [r1 * c2 - r2 * c1, r2 * c0 - r0 * c2, r0 * c1 - r1 * c0];
  return (ipp[0] ?? 0) * (n[0] ?? 0) + (ipp[1] ?? 0) * (n[1] ?? 0) + (ipp[2] ?? 0) * (n[2] ?? 0);
}
