/** The model card scaffold (filled from the folder, the author's fields left for the author) and the Hub's repo naming rules. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { splitFrontMatter } from '../../src/core/hub/modelCard';
import { qualifyRepoId, repoIdProblem, repoNameFrom } from '../../src/core/hub/repoId';
import { writeRefusal } from '../../src/core/hub/writeAccess';
import type { WhoAmI } from '../../src/core/hub/hubApi';
import { baseModelFrom, cardScaffold, pipelineTagFor, writeCardScaffold } from '../../src/core/model/cardScaffold';
import { validateModelFolder } from '../../src/core/model/validateFolder';
import { publishableFolder } from '../fixtures/models/publishable';

describe('model card scaffold', () => {
  it('passes the validation\'s card checks except the fields only the author can fill (license, language, datasets)', () => {
    const dir = publishableFolder((f) => {
      delete f['README.md'];
      f['config.json'] = JSON.stringify({ ...JSON.parse(String(f['config.json'])), _name_or_path: 'fixture-org/tiny-bert' });
    });
    const file = writeCardScaffold(dir, 'fixture-user/sentiment');
    assert.equal(file, path.join(dir, 'README.md'));
    const report = validateModelFolder(dir);
    const card = report.findings.filter((f) => f.check.startsWith('card.'));
    assert.deepEqual(card.map((f) => [f.check, f.severity]), [['card.license', 'warning'], ['card.datasets', 'info'], ['card.language', 'info']]);
    assert.ok(report.passed.includes('card.present') && report.passed.includes('card.pipeline_tag') && report.passed.includes('card.base_model'));
    assert.equal(report.errors, 0);
    const meta = splitFrontMatter(fs.readFileSync(file, 'utf8')).meta!;
    assert.deepEqual([meta.library_name, meta.pipeline_tag, meta.base_model, meta.tags], ['transformers', 'text-classification', 'fixture-org/tiny-bert', ['onnx']]);
    assert.ok(!meta.license, 'the license is left for the author, never guessed');
    const text = fs.readFileSync(file, 'utf8');
    assert.match(text, /# TODO: the license/);
    assert.match(text, /- Labels: `NEGATIVE`, `POSITIVE`/);
    assert.match(text, /pipeline\("text-classification", model="fixture-user\/sentiment"\)/);
    // Never overwrites a card.
    assert.throws(() => writeCardScaffold(dir), /exists already; AI Lab does not overwrite a model card/);
  });

  it('leaves base_model and pipeline_tag as TODO fields when the folder does not say (a local path, an unknown head)', () => {
    const dir = publishableFolder((f) => {
      delete f['README.md'];
      f['config.json'] = JSON.stringify({ ...JSON.parse(String(f['config.json'])), architectures: ['BertForPreTraining'], _name_or_path: './checkpoints/run-3' });
    });
    const meta = splitFrontMatter(cardScaffold(dir)).meta!;
    assert.ok(!meta.pipeline_tag && !meta.base_model);
    writeCardScaffold(dir);
    const card = validateModelFolder(dir).findings.filter((f) => f.check.startsWith('card.')).map((f) => f.check);
    assert.deepEqual(card, ['card.license', 'card.pipeline_tag', 'card.base_model', 'card.datasets', 'card.language']);
  });

  it('guesses the pipeline tag from the architecture as the Hub files it', () => {
    const cases: Array<[string, string | undefined, string | undefined]> = [
      ['BertForSequenceClassification', 'bert', 'text-classification'],
      ['RobertaForTokenClassification', 'roberta', 'token-classification'],
      ['DistilBertForQuestionAnswering', 'distilbert', 'question-answering'],
      ['BertForMaskedLM', 'bert', 'fill-mask'],
      ['GPT2LMHeadModel', 'gpt2', 'text-generation'],
      ['LlamaForCausalLM', 'llama', 'text-generation'],
      ['MarianMTModel', 'marian', 'translation'],
      ['T5Model', 't5', undefined],
      ['MarianForConditionalGeneration', 'marian', 'translation'],
      ['T5ForConditionalGeneration', 't5', 'text2text-generation'],
      ['WhisperForConditionalGeneration', 'whisper', 'automatic-speech-recognition'],
      ['ViTForImageClassification', 'vit', 'image-classification'],
      ['BertModel', 'bert', 'feature-extraction'],
      ['BertForPreTraining', 'bert', undefined],
    ];
    for (const [arch, type, tag] of cases) assert.equal(pipelineTagFor(arch, type), tag, arch);
    assert.equal(baseModelFrom('distilbert/distilbert-base-uncased'), 'distilbert/distilbert-base-uncased');
    for (const notHub of ['bert-base-uncased', './out', '/home/me/model', 'C:/models/x', 'runs\\exp1', '~/m/x', 42, undefined]) assert.equal(baseModelFrom(notHub), undefined, String(notHub));
  });
});

describe('repo ids (the Hub\'s naming rules) and who may write where', () => {
  it('accepts what the Hub accepts and says what to change otherwise', () => {
    for (const ok of ['user/model', 'my-org/bert_base.v2', 'model', 'A1/b', `u/${'x'.repeat(96)}`]) assert.equal(repoIdProblem(ok), undefined, ok);
    for (const bad of ['', 'a/b/c', 'u/.hidden', 'u/x-', 'u/a..b', 'u/a--b', 'u/m.git', 'u/mödel', 'u/a b', `u/${'x'.repeat(97)}`, '/m', 'u/']) assert.ok(repoIdProblem(bad), bad);
    assert.equal(qualifyRepoId('model', 'me'), 'me/model');
    assert.equal(qualifyRepoId(' org/model ', 'me'), 'org/model');
    assert.equal(repoNameFrom('My Model (v2)'), 'My-Model-v2');
    assert.equal(repoNameFrom('modèle--final..git'), 'modele-final');
    assert.equal(repoNameFrom('...'), 'model');
    for (const n of ['My Model (v2)', 'modèle--final..git', '...', '-x-', 'a'.repeat(200)]) assert.equal(repoIdProblem(repoNameFrom(n)), undefined, n);
  });

  it('decides from whoami: write role, fine-grained repo.write (user, org or the repo), org roles', () => {
    const me = (o: Partial<WhoAmI>): WhoAmI => ({ name: 'me', orgs: ['team', 'viewers'], orgRoles: { team: 'write', viewers: 'read' }, tokenName: 't', tokenRole: 'write', ...o });
    assert.equal(writeRefusal(me({}), 'me/m'), undefined);
    assert.equal(writeRefusal(me({}), 'team/m'), undefined);
    assert.equal(writeRefusal(me({}), 'viewers/m')?.kind, 'no-rights');
    assert.equal(writeRefusal(me({}), 'other/m')?.kind, 'no-rights');
    assert.equal(writeRefusal(me({ tokenRole: 'read' }), 'me/m')?.kind, 'read-token');
    const fg = (scoped: NonNullable<WhoAmI['fineGrained']>['scoped'], global: string[] = []) => me({ tokenRole: 'fineGrained', fineGrained: { global, scoped } });
    assert.equal(writeRefusal(fg([{ type: 'user', name: 'me', permissions: ['repo.write'] }]), 'me/m'), undefined);
    assert.equal(writeRefusal(fg([{ type: 'org', name: 'team', permissions: ['repo.write'] }]), 'team/m'), undefined);
    assert.equal(writeRefusal(fg([{ type: 'model', name: 'me/m', permissions: ['repo.write'] }]), 'me/m'), undefined);
    assert.equal(writeRefusal(fg([{ type: 'model', name: 'me/other', permissions: ['repo.write'] }]), 'me/m')?.kind, 'read-token');
    assert.equal(writeRefusal(fg([{ type: 'user', name: 'me', permissions: ['repo.content.read'] }]), 'me/m')?.kind, 'read-token');
  });
});
