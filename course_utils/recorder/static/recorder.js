// course_utils.recorder: the browser side of the voice recorder (see ../PROTOCOL.md for the messages).
// Plain ES module, no imports: works offline, in JupyterLab 4, Notebook 7 and Colab (anywidget >= 0.9,
// ipywidgets 7 or 8). anywidget loads one file per widget, so the microphone capture shared with other widgets
// (capture.js, and its AudioWorklet capture-worklet.js) arrives as text in the model and is imported from a
// Blob URL, just as anywidget imports this file.

const HELLO_TIMEOUT_MS = 4000;  // no answer from Python by then: say that a running kernel is needed
const ACK_TIMEOUT_MS = 5000;    // a take not acknowledged by then is re-sent once as base64 JSON

const RETRY = "press ● Record again";
const LATER = "Or use the fallback below: upload a WAV file or pick a course clip.";
const KERNEL_MESSAGES = {
  "no-kernel": "This recorder needs a running Python kernel, and none is answering. If you are reading a saved copy (GitHub, nbviewer), open the notebook in Jupyter or Colab and run it; if the kernel was restarted, run this cell again.",
  "kernel-silent": "Python has not confirmed the take yet: the kernel is busy (wait for the running cell) or has stopped (restart it and run this cell again). The take will appear below as soon as Python answers.",
};

async function importText(source) {
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  try {
    return await import(url);
  } finally {
    URL.revokeObjectURL(url);
  }
}

function el(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

function uid() {
  return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10);
}

function toBase64(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function render({ model, el: root }) {
  const state = {
    recording: false, waiting: false, kernel: false, blocks: [], total: 0, rate: 0, maxSamples: 0, peak: 0,
    capture: null, lib: null, pending: new Map(), timers: new Set(), closed: false,
  };
  const later = (fn, ms) => { const t = setTimeout(() => { state.timers.delete(t); fn(); }, ms); state.timers.add(t); return t; };
  const cancel = (t) => { if (t) { clearTimeout(t); state.timers.delete(t); } };
  const library = importText(model.get("_capture_module")).then((lib) => { state.lib = lib; return lib; });
  library.catch(() => { /* reported when ● Record is pressed */ });

  const box = el("div", { class: "course-recorder", "data-state": "connecting" });
  const row = el("div", { class: "cr-row" });
  const recordButton = el("button", { class: "cr-record", type: "button", disabled: "" }, "● Record");
  const stopButton = el("button", { class: "cr-stop", type: "button", disabled: "" }, "■ Stop");
  const labelInput = el("input", { class: "cr-label", type: "text", size: "10", title: "name of the next take" });
  const countdown = el("span", { class: "cr-countdown" });
  const meter = el("div", { class: "cr-meter", title: "input level" });
  const meterFill = el("div", { class: "cr-meter-fill" });
  meter.appendChild(meterFill);
  row.append(recordButton, stopButton, el("span", { class: "cr-name" }, "next take:"), labelInput, meter, countdown);
  const status = el("div", { class: "cr-status", role: "status" }, "Connecting to Python…");
  const takesList = el("ol", { class: "cr-takes" });
  const fallback = el("details", { class: "cr-fallback" });
  const summary = el("summary", {}, "No microphone? Upload a WAV file or pick a course clip");
  const fileInput = el("input", { class: "cr-file", type: "file", accept: ".wav,.flac,.ogg,audio/wav,audio/x-wav,audio/flac,audio/ogg" });
  const clipSelect = el("select", { class: "cr-clip" });
  const clipButton = el("button", { class: "cr-use-clip", type: "button" }, "use this clip");
  const uploadRow = el("div", { class: "cr-row" });
  uploadRow.append(el("span", { class: "cr-name" }, "your WAV file:"), fileInput);
  const clipRow = el("div", { class: "cr-row" });
  clipRow.append(el("span", { class: "cr-name" }, "or a course clip:"), clipSelect, clipButton);
  fallback.append(summary, uploadRow, clipRow);
  const privacy = el("div", { class: "cr-privacy" }, "Your recordings go only to this notebook's Python kernel (your machine, or your Colab runtime). Nothing is uploaded anywhere else.");
  box.append(row, status, takesList, fallback, privacy);
  root.appendChild(box);

  function setStatus(text, kind = "info", code = "") {
    status.textContent = text;
    status.className = "cr-status cr-" + kind;
    status.setAttribute("data-code", code);
  }

  function problemText(code, detail) {
    if (KERNEL_MESSAGES[code]) return KERNEL_MESSAGES[code];
    if (state.lib) return state.lib.problemText(code, { detail, retry: RETRY, fallback: LATER });
    return `Recording failed: ${detail || code}. ${LATER}`;
  }

  function fail(code, detail = "") {
    const text = problemText(code, detail);
    setStatus(text, "error", code);
    box.setAttribute("data-state", code === "no-kernel" ? "no-kernel" : "error");
    if (!KERNEL_MESSAGES[code]) fallback.open = true;
    try { model.send({ type: "error", code, message: text }); } catch (e) { /* no kernel: the message is on screen */ }
  }

  function refreshControls() {
    recordButton.disabled = !state.kernel || state.recording || state.waiting;
    stopButton.disabled = !(state.recording || state.waiting);
    labelInput.disabled = state.recording;
    for (const node of [fileInput, clipSelect, clipButton]) node.disabled = !state.kernel;
  }

  function syncFromModel() {
    if (document.activeElement !== labelInput) labelInput.value = model.get("next_label") || "";
    const clips = model.get("clips") || [];
    if (clipSelect.options.length !== clips.length) {
      clipSelect.replaceChildren(...clips.map((name) => el("option", { value: name }, name)));
    }
    const seconds = model.get("max_duration");
    if (!state.recording) countdown.textContent = `max ${seconds.toFixed(1)} s · ${model.get("sr")} Hz`;
  }

  function showTakes(takes) {
    takesList.replaceChildren(...takes.map((take) => {
      const item = el("li", { class: "cr-take", "data-samples": String(take.n), "data-sr": String(take.sr) });
      item.append(el("span", { class: "cr-take-text" }, take.text));
      item.append(el("audio", { controls: "", preload: "none", src: take.wav }));
      return item;
    }));
  }

  // ---- messages from Python
  function onMessage(msg) {
    if (!msg || typeof msg !== "object") return;
    if (msg.type === "hello") {
      state.kernel = true;
      cancel(state.helloTimer);
      showTakes(msg.takes || []);
      box.setAttribute("data-state", "ready");
      setStatus(`Ready: press ● Record and say “${model.get("next_label")}” (up to ${model.get("max_duration").toFixed(1)} s).`, "info", "ready");
      refreshControls();
    } else if (msg.type === "take_added" || msg.type === "take_rejected") {
      const pending = state.pending.get(msg.uid);
      if (pending) { cancel(pending.timer); state.pending.delete(msg.uid); }
      showTakes(msg.takes || []);
      if (msg.type === "take_added") {
        box.setAttribute("data-state", "stored");
        setStatus(`✓ Stored in Python: ${msg.text}` + (msg.warning ? ` — ${msg.warning}` : ""), msg.warning ? "warning" : "ok", "stored");
      } else {
        box.setAttribute("data-state", "error");
        setStatus(`✗ ${msg.message}`, "error", "rejected");
      }
    } else if (msg.type === "takes") {
      showTakes(msg.takes || []);
    }
  }
  model.on("msg:custom", onMessage);
  model.on("change:next_label", syncFromModel);
  model.on("change:clips", syncFromModel);

  // ---- sending takes: binary first, base64 JSON if Python does not answer
  function send(kind, meta, buffer) {
    const id = uid();
    const entry = { meta: { ...meta, type: kind, uid: id }, buffer, tries: 0, timer: null };
    state.pending.set(id, entry);
    transmit(entry);
  }
  function transmit(entry) {
    entry.tries += 1;
    try {
      if (entry.tries === 1) model.send({ ...entry.meta, encoding: "binary" }, undefined, [entry.buffer]);
      else model.send({ ...entry.meta, encoding: "base64", data: toBase64(entry.buffer) });
    } catch (error) {
      fail("no-kernel");
      return;
    }
    entry.timer = later(() => {
      if (!state.pending.has(entry.meta.uid)) return;
      if (entry.tries === 1) transmit(entry);
      else fail("kernel-silent");
    }, ACK_TIMEOUT_MS);
  }

  // ---- recording
  function onBlock(block) {
    if (!state.recording) return;
    const room = state.maxSamples - state.total;
    const part = block.length > room ? block.subarray(0, room) : block;
    state.blocks.push(part);
    state.total += part.length;
    let peak = 0;
    for (let i = 0; i < part.length; i++) { const a = Math.abs(part[i]); if (a > peak) peak = a; }
    state.peak = Math.max(peak, state.peak * 0.9);
    if (state.total >= state.maxSamples) finish();
  }

  function drawMeter() {
    if (state.closed) return;
    const db = 20 * Math.log10(Math.max(state.peak, 1e-6));
    const fraction = Math.min(1, Math.max(0, (db + 60) / 60));
    meterFill.style.width = `${(fraction * 100).toFixed(1)}%`;
    meterFill.className = "cr-meter-fill" + (state.peak > 0.99 ? " cr-clip" : state.peak > 0.5 ? " cr-hot" : "");
    if (state.recording) {
      const left = Math.max(0, (state.maxSamples - state.total) / state.rate);
      countdown.textContent = `${left.toFixed(1)} s left`;
      state.peak *= 0.97;
      requestAnimationFrame(drawMeter);
    } else {
      state.peak = 0;
      meterFill.style.width = "0%";
    }
  }

  function onProblem(problem) {  // the capture stopped itself after it started (no sound at all)
    teardown();
    fail(problem.code, problem.detail);
  }

  async function start() {
    if (state.recording || state.waiting) return;
    let lib = state.lib;  // loaded long before the click, so nothing is awaited before openCapture
    if (!lib) {
      try { lib = await library; } catch (error) { return fail("error", `the capture code did not load (${error})`); }
    }
    const capture = lib.openCapture({ sampleRate: model.get("sr"), workletSource: model.get("_capture_worklet"), onBlock, onProblem });
    state.capture = capture;
    state.waiting = true;
    refreshControls();
    box.setAttribute("data-state", "waiting");
    setStatus("Waiting for the microphone… if the browser asks, allow it.", "info", "waiting");
    const hint = later(() => {
      if (state.waiting) setStatus(`${lib.PERMISSION_HINT} (■ Stop cancels).`, "warning", "waiting");
    }, lib.PERMISSION_HINT_MS);
    let started;
    try {
      started = await capture.started;
    } catch (problem) {
      cancel(hint);
      state.waiting = false;
      teardown();
      if (problem.code === "cancelled") {
        box.setAttribute("data-state", "ready");
        setStatus("Cancelled.", "info", "ready");
        return;
      }
      return fail(problem.code || "error", problem.detail || String(problem));
    }
    cancel(hint);
    state.waiting = false;
    if (state.closed) { teardown(); return; }
    state.rate = started.rate;
    state.maxSamples = Math.max(1, Math.round(model.get("max_duration") * started.rate));
    state.blocks = [];
    state.total = 0;
    state.label = labelInput.value.trim() || model.get("next_label");
    state.recording = true;
    box.setAttribute("data-capture", started.method);
    refreshControls();
    box.setAttribute("data-state", "recording");
    setStatus(`Recording “${state.label}”… speak now (■ Stop ends early).`, "recording", "recording");
    requestAnimationFrame(drawMeter);
  }

  function teardown() {
    state.recording = false;
    if (state.capture) { state.capture.stop(); state.capture = null; }
    refreshControls();
    syncFromModel();
  }

  function finish() {
    if (!state.recording) return;
    const total = state.total;
    const rate = state.rate;
    const blocks = state.blocks;
    state.blocks = [];
    teardown();
    if (total === 0) return fail("no-audio");
    const samples = new Float32Array(total);
    let offset = 0;
    for (const block of blocks) { samples.set(block, offset); offset += block.length; }
    box.setAttribute("data-state", "sending");
    setStatus(`Sending ${(total / rate).toFixed(2)} s to Python…`, "info", "sending");
    send("take", { sr: rate, n: total, label: state.label, source: "microphone" }, samples.buffer);
  }

  recordButton.addEventListener("click", () => { start(); });
  stopButton.addEventListener("click", () => {
    if (state.recording) finish();
    else if (state.waiting && state.capture) state.capture.stop();  // start() then reports "Cancelled."
  });
  labelInput.addEventListener("change", () => { model.set("next_label", labelInput.value.trim()); model.save_changes(); });
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files && fileInput.files[0];
    if (!file) return;
    const buffer = await file.arrayBuffer();
    setStatus(`Sending ${file.name} to Python…`, "info", "sending");
    send("upload", { name: file.name, size: buffer.byteLength, label: labelInput.value.trim() || model.get("next_label") }, buffer);
    fileInput.value = "";
  });
  clipButton.addEventListener("click", () => {
    if (!clipSelect.value) return;
    setStatus(`Loading ${clipSelect.value}…`, "info", "sending");
    try { model.send({ type: "clip", uid: uid(), name: clipSelect.value, label: labelInput.value.trim() || model.get("next_label") }); }
    catch (error) { fail("no-kernel"); }
  });

  syncFromModel();
  refreshControls();
  state.helloTimer = later(() => {
    if (!state.kernel) { fail("no-kernel"); refreshControls(); }
  }, HELLO_TIMEOUT_MS);
  try { model.send({ type: "hello" }); } catch (error) { /* no comm: the timer reports it */ }

  return () => {
    state.closed = true;
    for (const t of state.timers) clearTimeout(t);
    state.timers.clear();
    if (state.recording || state.capture) teardown();
    model.off("msg:custom", onMessage);
    model.off("change:next_label", syncFromModel);
    model.off("change:clips", syncFromModel);
  };
}

export default { render };
