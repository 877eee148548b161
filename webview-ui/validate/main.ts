/** The Validate Model Folder page: the folder's findings by severity, each with its file, why and fix. */
import type { Finding, FolderReport } from '../../src/core/model/findings';
import type { ValidateProtocol } from '../../src/shared/validateProtocol';
import { connect } from '../channel';
import { el } from '../common';

const channel = connect<ValidateProtocol>('Validate page');
const app = document.getElementById('app')!;
const LABEL: Record<Finding['severity'], string> = { error: 'Error', warning: 'Warning', info: 'Note' };

function finding(f: Finding): HTMLElement {
  const li = el('li', `finding ${f.severity}`);
  li.dataset.check = f.check;
  const head = el('p', 'finding-head');
  head.append(el('strong', 'severity', `${LABEL[f.severity]}: `), document.createTextNode(f.message));
  li.append(head);
  if (f.file && !f.file.endsWith('/')) {
    const open = el('button', 'link file', f.file);
    open.title = `Open ${f.file}`;
    open.addEventListener('click', () => channel.notify('openFile', { file: f.file }));
    li.append(open);
  } else if (f.file) li.append(el('span', 'file muted', f.file));
  li.append(el('p', 'why', `Why: ${f.why}`));
  const fix = el('p', 'fix');
  fix.append(el('span', undefined, 'Fix: '), el('code', undefined, f.fix));
  li.append(fix);
  return li;
}

function render(r: FolderReport): void {
  const head = el('header');
  head.append(el('h1', undefined, r.dir));
  const summary = el('p', `summary${r.errors ? ' over' : ''}`, `${r.errors} error${r.errors === 1 ? '' : 's'}, ${r.warnings} warning${r.warnings === 1 ? '' : 's'}, ${r.passed.length} checks passed`);
  summary.id = 'summary';
  summary.setAttribute('role', 'status');
  const again = el('button', undefined, 'Validate Again');
  again.addEventListener('click', () => channel.notify('revalidate', {}));
  head.append(summary, again);
  const list = el('ul', 'findings');
  list.id = 'findings';
  for (const severity of ['error', 'warning', 'info'] as const) for (const f of r.findings.filter((x) => x.severity === severity)) list.append(finding(f));
  const passed = el('details', 'passed');
  passed.append(el('summary', undefined, `Checks passed (${r.passed.length})`), el('p', 'muted', r.passed.join(', ')));
  app.replaceChildren(head, r.findings.length ? list : el('p', 'muted', 'No findings: the folder is ready to share.'), passed);
}

channel.onNotification('report', (m) => render(m.report));
