// Where the fetch of the exam's priors from the hospital's PACS stands, shown with the priors:
// under way (the list fills in once it ends) or failed with its reason. A prior that could not be
// fetched is said so, never shown as "no prior".
import { t } from './i18n';

export interface PriorsFetch {
  state: 'NONE' | 'PENDING' | 'FETCHED' | 'FAILED';
  found: number | null;
  fetched: number;
  reason: string | null;
}

const POLL_MS = 2000;

/** The fetch's state (GET /api/exams/{id}/priors/fetch); null when the server cannot say. */
export async function readPriorsFetch(api: string, examId: string): Promise<PriorsFetch | null> {
  try {
    const response = await fetch(`${api}/exams/${examId}/priors/fetch`, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    return response.ok ? ((await response.json()) as PriorsFetch) : null;
  } catch {
    return null;
  }
}

/** Resolves once the fetch is no longer under way. */
export async function fetchEnded(api: string, examId: string): Promise<PriorsFetch | null> {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const state = await readPriorsFetch(api, examId);
    if (state === null || state.state !== 'PENDING') {
      return state;
    }
  }
}

/** The line to show under the priors for this state, or null when there is nothing to say. */
export function fetchNotice(state: PriorsFetch | null): HTMLElement | null {
  if (state === null || (state.state !== 'PENDING' && state.state !== 'FAILED')) {
    return null;
  }
  const li = document.createElement('li');
  if (state.state === 'PENDING') {
    li.className = 'muted';
    li.id = 'priors-fetching';
    li.textContent = t('priorsFetching');
  } else {
    li.className = 'failure';
    li.id = 'priors-fetch-failed';
    li.setAttribute('role', 'status');
    li.textContent = t('priorsFetchFailed', state.reason ?? '');
  }
  return li;
}
