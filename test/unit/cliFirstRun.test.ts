/**
 * A new user's first run of the CLI on the demo workspace (issue 16): every wrong argument is refused
 * with exit 2 (or the documented code), naming the flag and what to do, before any model runs.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliAsync } from '../fixtures/cli';
import { fakeSmi } from '../fixtures/paths';
import { blankPdf } from '../fixtures/pdf/limits';
import { scannedPdf } from '../fixtures/pdf/generate';
import { writeDemoWorkspace } from '../fixtures/demo/workspace';

describe('CLI first run (issue 16): the demo workspace, wrong arguments', function () {
  this.timeout(180_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-lab-firstrun-'));
  const env = { HF_HUB_OFFLINE: '1', HF_HOME: path.join(dir, 'hf') };
  const run = (args: string[], extra: NodeJS.ProcessEnv = {}) => cliAsync(args, { ...env, ...extra });
  const model = (name: string) => ['--model', `./demo-models/${name}`];
  let cwd = '';
  before(async () => {
    await writeDemoWorkspace(dir);
    fs.writeFileSync(path.join(dir, 'blank.pdf'), await blankPdf(2));
    fs.writeFileSync(path.join(dir, 'scan.pdf'), await scannedPdf());
    cwd = process.cwd();
    process.chdir(dir);
  });
  after(() => {
    process.chdir(cwd);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Exit 2, the message matching each pattern, one line of error and no usage text. */
  function refused(r: { status: number | null; stderr: string; stdout: string }, ...patterns: RegExp[]): void {
    assert.equal(r.status, 2, r.stderr);
    for (const p of patterns) assert.match(r.stderr, p);
    assert.doesNotMatch(r.stderr, /Usage:|aiLab\.|AI Lab: /);
    assert.equal(r.stdout, '');
  }

  it('max new tokens above what the model can write, or min above max: exit 2 naming the flag and the limit, before generating', async () => {
    const huge = await run(['summarize', ...model('summarizer'), '--max-new-tokens', '999999999', '--file', 'notes.txt']);
    refused(huge, /--max-new-tokens 999999999 is more than the model can write/, /at most 1024 tokens \(max_position_embeddings in config\.json\)/, /Use at most 1024\./);
    refused(await run(['summarize', ...model('summarizer'), '--max-new-tokens', '3000', '--file', 'notes.txt']), /--max-new-tokens 3000/, /1024/);
    refused(await run(['summarize', ...model('summarizer'), '--min-new-tokens', '50', '--max-new-tokens', '5', '--file', 'notes.txt']), /--min-new-tokens 50 is more than --max-new-tokens 5/);
    // A decoder-only model: the prompt shares its 256 positions.
    refused(await run(['generate', ...model('generator'), '--max-new-tokens', '300', '--text', 'the future']), /--max-new-tokens 300/, /256 tokens \(n_positions in config\.json\), \d+ of them taken by the prompt\. Use at most 25\d\./);
    refused(await run(['run', 'text-generation', ...model('generator'), '--max-new-tokens', '5000', '--text', 'the future']), /--max-new-tokens 5000/, /n_positions/);
    refused(await run(['run', 'summarization', ...model('summarizer'), '--max-new-tokens', '3000', '--text', 'The council met.']), /--max-new-tokens 3000/, /1024/);
    refused(await run(['run', 'text-classification', ...model('sentiment'), '--max-new-tokens', '5', '--text', 'hi']), /--max-new-tokens applies to summarization/);
    // Within the limit it runs; --max-new-tokens alone lowers the preset's minimum to meet it.
    const ok = await run(['summarize', ...model('summarizer'), '--max-new-tokens', '4', '--file', 'notes.txt']);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout.trim(), /^City council\b/);
    assert.ok(ok.stdout.trim().split(' ').length <= 4, ok.stdout);
  });

  it('messages name CLI flags and ai-lab commands, never settings or command titles', async () => {
    const noGpu = await run(['classify', ...model('sentiment'), '--device', 'cuda', '--text', 'hi'], { AI_LAB_NVIDIA_SMI: fakeSmi('no-devices') });
    if (noGpu.status === 0) return; // The CUDA provider loads here: nothing to refuse.
    assert.match(noGpu.stderr, /^ai-lab: --device cuda, but CUDA cannot be used here: there is no NVIDIA GPU\. Use --device auto or --device cpu\.\n$/);
    const gpu = await run(['classify', ...model('sentiment'), '--device', 'cuda', '--text', 'hi'], { AI_LAB_NVIDIA_SMI: fakeSmi('h100') });
    assert.match(gpu.stderr, /^ai-lab: --device cuda, but CUDA cannot be used here: (?!ONNX)[^.:]+\. Use --device auto or --device cpu, or run `ai-lab enable-cuda`\./);
    assert.doesNotMatch(gpu.stderr + noGpu.stderr, /aiLab\.|AI Lab: /);
    const offline = await run(['models', 'search', 'bert', '--endpoint', 'http://127.0.0.1:9'], { HF_HUB_OFFLINE: '' });
    assert.equal(offline.status, 1);
    assert.match(offline.stderr, /set --endpoint \(or HF_ENDPOINT\) for a mirror/);
    refused(await run(['models', 'search', '--endpoint', 'notaurl']), /--endpoint "notaurl" is not a URL/);
    const smi = await run(['env', '--nvidia-smi', path.join(dir, 'no-such-smi')]);
    assert.match(smi.stdout, /nvidia-smi: .*no-such-smi \(from --nvidia-smi\)/);
    assert.match(smi.stdout, /The configured nvidia-smi does not exist \(--nvidia-smi\)/);
    assert.doesNotMatch(smi.stdout, /aiLab\.|from setting/);
    const py = await run(['env', '--json', '--nvidia-smi', fakeSmi('no-devices'), '--python', process.execPath]);
    assert.deepEqual((JSON.parse(py.stdout) as { python: Array<{ source: string }> }).python.map((p) => p.source), ['--python']);
  });

  it('a file given as --model is a file, with the model folder it is in; a folder of models names them; a folder inside a model names it', async () => {
    const file = await run(['classify', '--model', './demo-models/sentiment/onnx/model.onnx', '--text', 'hi']);
    assert.equal(file.status, 1);
    assert.match(file.stderr, /model\.onnx is a file, not a model folder.*This file is in the model folder \.\/demo-models\/sentiment: use that folder\./);
    const notes = await run(['classify', '--model', './notes.txt', '--text', 'hi']);
    assert.match(notes.stderr, /notes\.txt is a file, not a model folder/);
    assert.doesNotMatch(notes.stderr, /does not exist|in the model folder/);
    const parent = await run(['classify', '--model', './demo-models', '--text', 'hi']);
    assert.match(parent.stderr, /\.\/demo-models is not a model folder \(it has no config\.json\)\. It holds model folders: use one of them, .*\.\/demo-models\/sentiment/);
    const inner = await run(['classify', '--model', './demo-models/sentiment/onnx', '--text', 'hi']);
    assert.match(inner.stderr, /It is inside the model folder \.\/demo-models\/sentiment: use that folder\./);
    for (const r of [parent, inner]) assert.doesNotMatch(r.stderr, /onnx-community\/|Xenova\//);
  });

  it('--pages: a reversed range, a range past the end, --pages on text: exit 2 saying what to write', async () => {
    refused(await run(['ask', 'handbook.pdf', 'How many hours?', ...model('qa'), '--pages', '5-3']), /--pages: 5-3 is reversed: write 3-5/);
    refused(await run(['ask', 'handbook.pdf', 'How many hours?', ...model('qa'), '--pages', '11-20']), /--pages: 11-20 runs past the end: the document ends at page 12; use 11-12/);
    refused(await run(['pdf-text', 'handbook.pdf', '--pages', '13-']), /13- is past the end: the document has 12 pages/);
    refused(await run(['ask', 'notes.txt', 'Who met?', ...model('qa'), '--pages', '2']), /--pages applies to PDFs; notes\.txt is read as text/);
  });

  it('zero-shot labels: an empty label is refused by its number, a repeated one (ignoring case and spacing) by name', async () => {
    const z = (labels: string) => run(['zero-shot', ...model('nli'), '--labels', labels, '--text', 'The app crashes on login.']);
    refused(await z('a,,b'), /Label 2 of 3 is empty: nothing to work on/);
    refused(await z('a, ,b'), /Label 2 of 3/);
    refused(await z('support,support'), /Label 2 "support" repeats label 1 "support"/);
    refused(await z('Support, support '), /Label 2 "support" repeats label 1 "Support" \(labels are compared ignoring case and spacing\)/);
    refused(await z('support'), /at least two/);
    refused(await run(['run', 'zero-shot-classification', ...model('nli'), '--labels', 'x,X', '--text', 'hi']), /--labels: Label 2 "X" repeats label 1 "x"/);
  });

  it('exit codes: run question-answering without --question, ask on a blank or scanned PDF, enable-cuda --feed that is no URL', async () => {
    refused(await run(['run', 'question-answering', ...model('qa'), '--text', '12 hours']), /needs --question/);
    const blank = await run(['ask', 'blank.pdf', 'How many hours?', ...model('qa')]);
    refused(blank, /blank\.pdf/);
    const scan = await run(['ask', 'scan.pdf', 'How many hours?', ...model('qa')]);
    refused(scan, /scan\.pdf.*no text layer: it looks scanned.*OCR/);
    // pdf-text still exits 3 on them: it ran, and says there is no text.
    assert.equal((await run(['pdf-text', 'scan.pdf'])).status, 3);
    refused(await run(['enable-cuda', '--feed', 'notaurl']), /--feed "notaurl" is not a URL/);
    refused(await run(['datasets', 'info', 'acme/x', '--datasets-server', 'nope']), /--datasets-server "nope" is not a URL/);
  });

  it('argument errors are one line plus where the help is; --help prints the command\'s usage', async () => {
    const r = await run(['classify', '--bogus']);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'ai-lab: unknown option for classify: --bogus\nsee `ai-lab classify --help`\n');
    const help = await run(['ask', '--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: ai-lab pdf-text[\s\S]*ask <file\|->/);
    const all = await run([]);
    assert.equal(all.status, 2);
    assert.match(all.stdout, /^Usage: ai-lab <command>/);
  });

  it('cosmetic: --text "" is nothing to work on; clamped flags refused with their range; PDFs as text; swapped ask arguments', async () => {
    refused(await run(['classify', ...model('sentiment'), '--text', '']), /The --text value is empty: nothing to work on/);
    refused(await run(['classify', ...model('sentiment'), '--max-tokens', '1.5', '--text', 'hi']), /--max-tokens needs a whole number of at least 8 \(got "1\.5"\)/);
    refused(await run(['generate', ...model('generator'), '--top-p', '5', '--text', 'hi']), /--top-p needs a number above 0 up to 1 \(got "5"\)/);
    refused(await run(['generate', ...model('generator'), '--top-k', '2.5', '--text', 'hi']), /--top-k needs a whole number/);
    refused(await run(['ask', 'handbook.pdf', 'How many hours?', ...model('qa'), '--overlap-tokens', '60', '--chunk-tokens', '50']), /--overlap-tokens 60 must be less than the passage size, 50 tokens; --chunk-tokens sets the size/);
    refused(await run(['classify', ...model('sentiment'), '--label-map', 'LABEL_9=x', '--text', 'hi']), /--label-map names LABEL_9, which the model does not have; its labels are (NEGATIVE, POSITIVE|POSITIVE, NEGATIVE)/);
    refused(await run(['classify', ...model('sentiment'), '--file', 'handbook.pdf']), /handbook\.pdf is a PDF, not text: .*`ai-lab ask handbook\.pdf "question"`.*`ai-lab pdf-text handbook\.pdf`/);
    refused(await run(['ask', 'How many hours?', 'handbook.pdf', ...model('qa')]), /the file comes first: ai-lab ask FILE QUESTION/);
    const data = await run(['download', 'stanfordnlp/imdb', '--type', 'dataset']);
    assert.equal(data.status, 1);
    assert.doesNotMatch(data.stderr, /model folder/);
  });
});
