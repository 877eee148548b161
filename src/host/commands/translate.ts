/** AI Lab: Translate Selection: the source and target asked (or remembered), the translation streamed into the results panel. */
import * as vscode from 'vscode';
import { HubClient } from '../../core/hub/hubApi';
import { hubAccess } from '../../core/lab/hubAccess';
import { NLLB_CODES, languageName, parseLanguage } from '../../core/nlp/languages';
import { LAB_TASKS } from '../../core/nlp/tasks';
import { marianPairs } from '../../core/nlp/translationModels';
import { readConfig } from '../config';
import { labArgs, readInputOrSay, refuseNothingToWorkOn, runLab, type LabArgs, type NlpDeps } from './labRun';

/** A caller may name the languages instead of being asked ("de", "deu_Latn", "German"). */
export interface TranslateArgs extends LabArgs {
  from?: string;
  to?: string;
}

const DETECT = 'detect';
const LAST_FROM = 'aiLab.translate.lastFrom';
const LAST_TO = 'aiLab.translate.lastTo';

interface LanguagePick extends vscode.QuickPickItem {
  code: string;
}

/** The known languages as pick items, `first` (the remembered one) on top. */
function languageItems(first: string | undefined, exclude?: string): LanguagePick[] {
  const codes = Object.keys(NLLB_CODES).filter((c) => c !== exclude);
  const items = codes.map((code) => ({ label: languageName(code), description: `${code} · ${NLLB_CODES[code]}`, code }));
  items.sort((a, b) => a.label.localeCompare(b.label));
  const top = items.findIndex((i) => i.code === first);
  if (top > 0) items.unshift(...items.splice(top, 1));
  return items;
}

/** Asks one language; a code typed that is not in the list (an NLLB code, another ISO code) is taken as typed. */
async function askLanguage(title: string, first: string | undefined, extra: LanguagePick[] = [], exclude?: string): Promise<string | undefined> {
  const pick = await vscode.window.showQuickPick([...extra, ...languageItems(first, exclude)], { title, placeHolder: 'Language (type a name or a code: de, deu_Latn)', matchOnDescription: true, ignoreFocusOut: true });
  return pick?.code;
}

/** The source (a code, or DETECT) and target: given, else asked with the remembered or configured ones first. */
async function languages(d: NlpDeps, args: TranslateArgs): Promise<{ from: string; to: string } | undefined> {
  const { detectModel: detector, from: setFrom, to: setTo } = readConfig().nlp.translate;
  let from = args.from ?? (setFrom || undefined);
  if (from === undefined) {
    const detect = detector ? [{ label: '$(search) Detect the language', description: detector, code: DETECT }] : [];
    from = await askLanguage('AI Lab: Translate — from', d.workspaceState.get<string>(LAST_FROM), detect);
    if (!from) return undefined;
  }
  let to = args.to;
  if (to === undefined) {
    to = await askLanguage('AI Lab: Translate — into', d.workspaceState.get<string>(LAST_TO) ?? setTo, [], from);
    if (!to) return undefined;
  }
  if (from !== DETECT) await d.workspaceState.update(LAST_FROM, from);
  await d.workspaceState.update(LAST_TO, to);
  return { from, to };
}

export function createTranslateCommands(d: NlpDeps): Record<string, (args?: unknown) => unknown> {
  return {
    'aiLab.translateSelection': async (a) => {
      const args = labArgs(a, d) as TranslateArgs;
      const input = await readInputOrSay(d, args);
      if (!input) return undefined;
      const refused = refuseNothingToWorkOn(d, 'translate', input);
      if (refused) return refused;
      const langs = await languages(d, args);
      if (!langs) return undefined;
      try {
        if (langs.from !== DETECT) parseLanguage(langs.from, 'The source language');
        parseLanguage(langs.to, 'The target language');
      } catch (err) {
        void vscode.window.showWarningMessage(`AI Lab: ${(err as Error).message}`);
        return undefined;
      }
      const c = readConfig();
      // The setting left at its default: the pair's own model (its Marian port) is chosen per pair.
      const set = c.nlp.models.translate;
      const model = set === LAB_TASKS.translate.defaultModel ? undefined : set;
      const detectModel = c.nlp.translate.detectModel || undefined;
      const hub = hubAccess({ endpoint: c.hubEndpoint, offline: c.hubOffline });
      const pairs = model ? undefined : await marianPairs(hub.offline ? undefined : new HubClient({ endpoint: hub.endpoint, token: hub.token, retry: { attempts: 1, timeoutMs: 10_000 } }));
      if (pairs?.note) d.log.info(`Translate: Marian pairs from ${pairs.note}`);
      return runLab(d, { ...input, title: `Translate (${langs.from === DETECT ? 'detected' : langs.from} → ${langs.to})` }, {
        task: 'translate',
        model,
        text: input.text,
        doc: input.pdf?.doc,
        from: langs.from === DETECT ? undefined : langs.from,
        to: langs.to,
        options: { detectModel, pairs, batchSize: c.nlp.batchSize },
      });
    },
  };
}
