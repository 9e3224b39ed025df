// course_utils microphone capture: one path from the microphone to a stream of raw float32 blocks, shared by every
// widget that listens (the recorder of lesson 00, and a live view). Plain ES module, no imports: works offline.
//
//   const capture = openCapture({ sampleRate: 16000, workletSource, onBlock, onProblem });  // inside the click
//   const { rate, method } = await capture.started;  // samples flow: onBlock(Float32Array) per block, mono
//   capture.stop();                                  // ends it, or cancels the wait for permission
//
// `started` rejects with a CaptureProblem whose `code` says what went wrong ("insecure-context", "unsupported",
// "permission-denied", "no-device", "device-busy", "error", or "cancelled" after stop()); a problem after the
// start (no sound at all within NO_AUDIO_TIMEOUT_MS: "no-audio") stops the capture and calls onProblem(problem).
// problemText(code, ...) turns a code into the message a student reads: what happened and what to do.
//
// The AudioContext runs at `sampleRate`, so the browser resamples the microphone itself; where a browser refuses,
// the capture falls back to the device's own rate (`rate` says which) and Python resamples. Blocks come from an
// AudioWorklet (capture-worklet.js, passed in as text and loaded from a Blob URL), or from the older
// ScriptProcessor where a page forbids worklets (`method` says which).

export const NO_AUDIO_TIMEOUT_MS = 3000;  // capturing but no samples by then: the input is dead
export const PERMISSION_HINT_MS = 12000;  // still waiting for the permission prompt by then: say where to look
export const PERMISSION_HINT = "Still waiting for microphone permission: look for the browser's prompt near the address bar";
const WORKLET_NAME = "course-capture";  // registered by capture-worklet.js

export class CaptureProblem extends Error {
  constructor(code, detail = "") {
    super(detail ? `${code}: ${detail}` : code);
    this.name = "CaptureProblem";
    this.code = code;
    this.detail = detail;
  }
}

// The message for a problem code. `retry` is what to do afterwards ("press ● Record again"); `fallback` is one more
// sentence offering another way (an upload, a course clip); `detail` is the origin for "insecure-context" and the
// browser's own words for "error".
export function problemText(code, { detail = "", retry = "try again", fallback = "" } = {}) {
  const then = `then ${retry}.`;
  const texts = {
    "insecure-context": `The browser gives the microphone only to secure pages (https://, or http://localhost / http://127.0.0.1). This page is ${detail}. Open Jupyter at http://localhost:PORT or http://127.0.0.1:PORT (or use Colab), ${then}`,
    "unsupported": "This browser cannot record audio here (no getUserMedia or Web Audio). Use a recent Chrome, Edge, Firefox or Safari.",
    "permission-denied": `Microphone permission was denied. Allow the microphone for this page (click the microphone or lock icon in the address bar, or the site settings), ${then}`,
    "no-device": `No microphone was found. Plug in a headset or enable the built-in microphone in your system settings, ${then}`,
    "device-busy": `The microphone could not be started: another program may be using it, or the system blocks it. Close the other program (or check the system privacy settings), ${then}`,
    "no-audio": `The microphone started but delivered no sound at all. Check that the right input device is selected and not muted, ${then}`,
  };
  const text = texts[code] || `The microphone failed: ${detail || code}. ${retry.charAt(0).toUpperCase()}${retry.slice(1)} to try again.`;
  return fallback ? `${text} ${fallback}` : text;
}

export function classifyError(error) {
  const name = (error && error.name) || "";
  if (["NotAllowedError", "PermissionDeniedError", "SecurityError"].includes(name)) return "permission-denied";
  if (["NotFoundError", "DevicesNotFoundError", "OverconstrainedError", "ConstraintNotSatisfiedError"].includes(name)) return "no-device";
  if (["NotReadableError", "TrackStartError", "AbortError"].includes(name)) return "device-busy";
  return "error";
}

function describe(error) {
  return `${error && error.name}: ${error && error.message}`;
}

// Call this inside the click handler, without awaiting anything first: browsers let a page start audio only during
// a user gesture, and the permission prompt may outlast it, so the AudioContext is created before any await.
export function openCapture({ sampleRate, workletSource = "", onBlock, onProblem = () => {} }) {
  const capture = { rate: 0, method: "", samples: 0, stopped: false, ctx: null, stream: null, node: null, timer: null };
  capture.stopping = new Promise((resolve) => { capture.resolveStopping = resolve; });
  capture.stop = () => release(capture);
  capture.started = start(capture, { sampleRate, workletSource, onBlock, onProblem });
  return capture;
}

async function start(capture, { sampleRate, workletSource, onBlock, onProblem }) {
  if (window.isSecureContext === false) throw new CaptureProblem("insecure-context", window.location.origin);
  const media = navigator.mediaDevices;
  const AudioContextClass = window.AudioContext || window.webkitAudioContext;
  if (!media || !media.getUserMedia || !AudioContextClass) throw new CaptureProblem("unsupported");
  try { capture.ctx = new AudioContextClass({ sampleRate }); } catch (e) { capture.ctx = new AudioContextClass(); }
  capture.ctx.resume().catch(() => {});
  const request = media.getUserMedia({ audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  let stream;
  try {
    stream = await Promise.race([request, capture.stopping]);  // stop() need not wait for the permission prompt
  } catch (error) {
    release(capture);
    throw new CaptureProblem(classifyError(error), describe(error));
  }
  if (capture.stopped) {
    request.then((late) => late.getTracks().forEach((track) => track.stop()), () => {});
    release(capture);
    throw new CaptureProblem("cancelled");
  }
  capture.stream = stream;
  try {
    await connect(capture, stream, AudioContextClass, workletSource, onBlock);
  } catch (error) {
    const cancelled = capture.stopped;  // stop() closed the context while the worklet loaded
    release(capture);
    throw cancelled ? new CaptureProblem("cancelled") : new CaptureProblem("error", describe(error));
  }
  if (capture.stopped) { release(capture); throw new CaptureProblem("cancelled"); }
  capture.timer = setTimeout(() => {
    if (capture.stopped || capture.samples > 0) return;
    const paused = capture.ctx && capture.ctx.state === "suspended";
    release(capture);
    onProblem(paused ? new CaptureProblem("error", "the browser kept audio paused (no user gesture)") : new CaptureProblem("no-audio"));
  }, NO_AUDIO_TIMEOUT_MS);
  return { rate: capture.rate, method: capture.method };
}

async function connect(capture, stream, AudioContextClass, workletSource, onBlock) {
  let ctx = capture.ctx;
  let source;
  try {
    source = ctx.createMediaStreamSource(stream);
  } catch (error) {
    // Some browsers refuse to connect a microphone to a context at another rate: capture at the device's rate,
    // Python resamples.
    ctx.close().catch(() => {});
    ctx = new AudioContextClass();
    capture.ctx = ctx;
    source = ctx.createMediaStreamSource(stream);
  }
  const deliver = (block) => {
    if (capture.stopped) return;
    capture.samples += block.length;
    onBlock(block);
  };
  let node = null;
  if (workletSource && ctx.audioWorklet && window.AudioWorkletNode) {
    const url = URL.createObjectURL(new Blob([workletSource], { type: "text/javascript" }));
    try {
      await ctx.audioWorklet.addModule(url);
      node = new AudioWorkletNode(ctx, WORKLET_NAME, { numberOfInputs: 1, numberOfOutputs: 1, channelCount: 1, channelCountMode: "explicit", channelInterpretation: "speakers" });
      node.port.onmessage = (event) => deliver(event.data);
      capture.method = "AudioWorklet";
    } catch (error) {
      node = null;  // e.g. a content security policy that forbids blob: modules: use the older API below
    } finally {
      URL.revokeObjectURL(url);
    }
  }
  if (!node) {
    node = ctx.createScriptProcessor(2048, 1, 1);
    node.onaudioprocess = (event) => deliver(event.inputBuffer.getChannelData(0).slice(0));
    capture.method = "ScriptProcessor";
  }
  const mute = ctx.createGain();
  mute.gain.value = 0;  // keeps the graph pulled by the destination without playing the microphone back
  source.connect(node);
  node.connect(mute);
  mute.connect(ctx.destination);
  capture.node = node;
  capture.rate = ctx.sampleRate;
  if (ctx.state === "suspended") ctx.resume().catch(() => {});
}

function release(capture) {
  capture.stopped = true;
  capture.resolveStopping(null);
  clearTimeout(capture.timer);
  if (capture.node) {
    try { if (capture.node.port) capture.node.port.postMessage("stop"); } catch (e) { /* closed already */ }
    try { capture.node.disconnect(); } catch (e) { /* closed already */ }
    capture.node = null;
  }
  if (capture.stream) { capture.stream.getTracks().forEach((track) => track.stop()); capture.stream = null; }
  if (capture.ctx) { capture.ctx.close().catch(() => {}); capture.ctx = null; }
}
