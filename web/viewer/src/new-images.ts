// "Nouvelles images": the viewer hears the live worklist stream (/live/worklist, server-sent
// events) and, when images reach its exam while it is open, shows the page's banner
// (templates/reading/viewer.html, #new-images); its button builds the series list again.

interface Change {
  examId: number;
  what: string;
}

const ANNOUNCED = new Set(['new-images', 'late-images']);

export function watchNewImages(examId: string, reload: () => Promise<void>): void {
  const banner = document.getElementById('new-images');
  const source = banner?.dataset.live;
  if (!banner || !source || !('EventSource' in window)) {
    return;
  }
  const events = new EventSource(source);
  events.addEventListener('open', () => {
    banner.dataset.liveState = 'open';
  });
  events.addEventListener('error', () => {
    banner.dataset.liveState = 'reconnecting';
  });
  events.addEventListener('worklist', (message) => {
    let change: Change;
    try {
      change = JSON.parse((message as MessageEvent<string>).data) as Change;
    } catch {
      return;
    }
    if (String(change.examId) === examId && ANNOUNCED.has(change.what)) {
      banner.hidden = false;
    }
  });
  banner.querySelector<HTMLButtonElement>('button')?.addEventListener('click', () => {
    banner.hidden = true;
    void reload().then(() => {
      banner.dataset.reloads = String(Number(banner.dataset.reloads ?? '0') + 1);
    });
  });
}
