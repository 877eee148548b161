/** What the CLI's model-running commands share: their input text, the device, and the Hub. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isOfflineByEnv, resolveHubCacheDir, resolveHubEndpoint, resolveToken } from '../core/hub/hubConfig';
import { chooseDevice, type DeviceChoice, type DeviceSetting } from '../core/inference/device';
import type { HubAccess } from '../core/inference/resolveModel';
import { probeOnnxRuntime } from '../core/onnx/ortProbe';
import { readStdin, UsageError, type Parsed } from './args';

/** --text, else --file, else stdin; empty input is a usage error. */
export async function readInputText(a: Parsed): Promise<string> {
  const file = a.flags.get('--file');
  if (file && !fs.existsSync(file)) throw new UsageError(`--file ${file} does not exist`);
  const text = a.flags.get('--text') ?? (file ? fs.readFileSync(file, 'utf8') : await readStdin());
  if (!text.trim()) throw new UsageError('no input text: give --text, --file, or pipe text on stdin');
  return text;
}

/** The device from a real probe of the CUDA provider (none is needed for --device cpu). */
export async function cliDevice(setting: DeviceSetting): Promise<DeviceChoice> {
  const ort = setting === 'cpu' ? undefined : await probeOnnxRuntime({ probeScript: path.join(__dirname, 'ortProbe.js'), only: ['cuda'] });
  return chooseDevice(setting, ort);
}

/** --endpoint / HF_ENDPOINT, HF_TOKEN or the token file, HF_HOME, --offline / HF_HUB_OFFLINE. */
export function cliHub(a: Parsed): HubAccess {
  return {
    endpoint: resolveHubEndpoint(a.flags.get('--endpoint')),
    token: resolveToken(undefined)?.token,
    cacheDir: resolveHubCacheDir(),
    offline: a.switches.has('--offline') || isOfflineByEnv(),
  };
}
