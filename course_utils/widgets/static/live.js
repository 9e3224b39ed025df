// course_utils.widgets.live: the browser side of LiveSpectrogram. Plain ES module, no imports: works offline, in
// JupyterLab 4, Notebook 7 and Colab (anywidget >= 0.9, ipywidgets 7 or 8).
//
// Capture: the recorder's capture.js (arrives as text in the model, imported from a Blob URL), at 16 kHz. Samples
// go to Python as float32 blocks of BLOCK samples: {type: "block", seq, sr, n, t, encoding: "binary"}, t being
// performance.now() when the block's newest sample arrived. At most MAX_IN_FLIGHT blocks wait for Python's answer;
// samples that arrive meanwhile are merged into the next block (never dropped: the keyword spotter needs them).
//
// Python answers each block with {type: "columns", start, hop, first, n, height, dropped, t, ...} and one binary
// part: n columns of `height` colour levels (bottom row first). Column k is centred on sample start + k * hop.
// The picture holds `seconds` of 10 ms pixel columns in a ring (`levels`, and an off-screen canvas of the same
// ring in colour): each new column is coloured once, when it arrives. An animation frame with new columns copies
// the ring onto the visible canvas, oldest column on the left, in two drawImage calls; the text readouts are
// rewritten at most READOUTS_PER_S times a second.
//
// Debug (model trait `debug`, for benchmarks/live_latency.py only): every answered block is traced in
// `box.__live.trace` as {seq, first, last, ahead, answered, painted} (performance.now() ms: its oldest and newest
// sample arrived, Python's answer arrived, its columns were written to the canvas; `ahead`: how many blocks sent
// before it were still unanswered when it was sent), each block carries
// `sent_epoch_ms` (when it was sent, in ms since 1970 as the kernel's time.time() counts), and Python may answer with
// {type: "picture", seq, t} + one PNG of the whole picture instead of columns (the benchmark's naive baseline).

const BLOCK = 320;           // 20 ms at 16 kHz
const MAX_IN_FLIGHT = 8;     // blocks sent but not yet answered
const PX_SAMPLES = 160;      // one pixel column = 10 ms
const HELLO_TIMEOUT_MS = 4000;
const READOUTS_PER_S = 4;
const NO_KERNEL = "This live view needs a running Python kernel, and none is answering. In a saved copy (GitHub, nbviewer) open the notebook in Jupyter or Colab and run it; after a kernel restart, run this cell again.";
const FALLBACK = "Or stream a course clip “as if live” below.";

async function importText(source) {
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  try { return await import(url); } finally { URL.revokeObjectURL(url); }
}

function el(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

function decodeLut(b64) {
  const raw = atob(b64 || "");
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < Math.min(raw.length, lut.length); i++) lut[i] = raw.charCodeAt(i);
  return lut;
}

function median(values) {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function select(name, values, labels = values) {
  const node = el("select", { class: "cl-" + name, title: name });
  values.forEach((v, i) => node.appendChild(el("option", { value: String(v) }, String(labels[i]))));
  return node;
}

function render({ model, el: root }) {
  const sr = model.get("sr");
  const options = model.get("options") || {};
  const lut = decodeLut(model.get("lut"));
  const state = {
    kernel: false, capture: null, lib: null, seq: 0, inFlight: 0, pending: [], pendingN: 0, closed: false,
    head: -1, width: Math.round(model.get("seconds") * sr / PX_SAMPLES), height: 256, dirty: false,
    latencies: [], paintTimes: [], dropped: 0, columns: 0, layout: null, waitingPaint: [],
    debug: Boolean(model.get("debug")), trace: [], sentBlocks: new Map(), answered: [], readoutsAt: -Infinity, readoutsDue: false,
    lut,
  };
  state.levels = new Uint8Array(state.width * state.height);
  const library = importText(model.get("_capture_module")).then((lib) => { state.lib = lib; return lib; });
  library.catch(() => {});

  // ---- the view
  const box = el("div", { class: "course-live", "data-state": "connecting" });
  const controls = el("div", { class: "cl-row" });
  const listen = el("button", { class: "cl-listen", type: "button", disabled: "" }, "● Listen");
  const stop = el("button", { class: "cl-stop", type: "button", disabled: "" }, "■ Stop");
  const freeze = el("button", { class: "cl-freeze", type: "button" }, "❚❚ Freeze");
  const present = el("label", { class: "cl-present" });
  const presentBox = el("input", { type: "checkbox" });
  present.append(presentBox, document.createTextNode(" presentation"));
  const view = select("view", options.view || ["linear", "log", "mel", "mfcc", "tflm"]);
  const nFft = select("n_fft", options.n_fft || [512]);
  const hop = select("hop_length", options.hop_length || [160]);
  const nMels = el("input", { class: "cl-n_mels", type: "number", min: "8", max: "128", step: "8", title: "n_mels" });
  const nMfcc = el("input", { class: "cl-n_mfcc", type: "number", min: "2", max: "40", step: "1", title: "n_mfcc" });
  const topDb = select("top_db", options.top_db || [80]);
  const fmax = el("input", { class: "cl-fmax", type: "number", min: "500", max: String(sr / 2), step: "500", title: "fmax (Hz)" });
  const labelled = (text, node) => { const l = el("label", { class: "cl-control" }, text + " "); l.appendChild(node); return l; };
  controls.append(listen, stop, freeze, labelled("view", view), labelled("n_fft", nFft), labelled("hop", hop),
    labelled("n_mels", nMels), labelled("n_mfcc", nMfcc), labelled("top_db", topDb), labelled("fmax", fmax), present);

  const figure = el("div", { class: "cl-figure" });
  const yaxis = el("div", { class: "cl-yaxis" });
  const ylabel = el("div", { class: "cl-ylabel" });
  const plot = el("div", { class: "cl-plot" });
  const canvas = el("canvas", { class: "cl-canvas", width: String(state.width), height: String(state.height) });
  const xaxis = el("div", { class: "cl-xaxis" });
  plot.append(canvas, xaxis);
  const cbar = el("div", { class: "cl-cbar" });
  const cbarCanvas = el("canvas", { class: "cl-cbar-canvas", width: "1", height: "256" });
  const cbarTop = el("span", { class: "cl-cbar-top" });
  const cbarBottom = el("span", { class: "cl-cbar-bottom" });
  const cbarLabel = el("div", { class: "cl-cbar-label" });
  cbar.append(cbarTop, cbarCanvas, cbarBottom, cbarLabel);
  figure.append(ylabel, yaxis, plot, cbar);
  const readouts = el("div", { class: "cl-readouts" });
  const kws = el("div", { class: "cl-kws" });
  const word = el("div", { class: "cl-word" }, "");
  const bars = el("div", { class: "cl-bars" });
  kws.append(bars, word);
  const status = el("div", { class: "cl-status", role: "status" }, "Connecting to Python…");
  const fallback = el("div", { class: "cl-row cl-fallback" });
  const clipSelect = el("select", { class: "cl-clip" });
  const clipButton = el("button", { class: "cl-use-clip", type: "button" }, "stream this clip as if live");
  fallback.append(el("span", {}, "No microphone? A course clip:"), clipSelect, clipButton);
  box.append(controls, figure, readouts, kws, status, fallback);
  root.appendChild(box);

  // the x axis: seconds ago
  for (let s = 0; s <= model.get("seconds"); s += 1) {
    const tick = el("span", { class: "cl-xtick" }, s === 0 ? "now" : `−${s} s`);
    tick.style.left = `${100 * (1 - s / model.get("seconds"))}%`;
    xaxis.appendChild(tick);
  }
  xaxis.appendChild(el("span", { class: "cl-xlabel" }, "time (s)"));
  const cbarCtx = cbarCanvas.getContext("2d");
  const cbarImage = cbarCtx.createImageData(1, 256);
  for (let i = 0; i < 256; i++) {
    const level = 255 - i;
    cbarImage.data.set([lut[3 * level], lut[3 * level + 1], lut[3 * level + 2], 255], 4 * i);
  }
  cbarCtx.putImageData(cbarImage, 0, 0);
  const ctx = canvas.getContext("2d");
  const ring = el("canvas", { width: String(state.width), height: String(state.height) });  // never in the page
  const ringCtx = ring.getContext("2d");
  const column = ringCtx.createImageData(1, state.height);
  const silence = `rgb(${lut[0]}, ${lut[1]}, ${lut[2]})`;  // level 0: before the microphone started, and gaps
  function clearRing() {
    ringCtx.fillStyle = silence;
    ringCtx.fillRect(0, 0, state.width, state.height);
  }
  clearRing();
  box.__live = state;  // the painted levels and the colour table, for anyone who wants to read the picture back

  function setStatus(text, kind = "info", code = "") {
    status.textContent = text;
    status.className = "cl-status cl-" + kind;
    status.setAttribute("data-code", code);
  }

  function syncControls() {
    view.value = model.get("view");
    nFft.value = String(model.get("n_fft"));
    hop.value = String(model.get("hop_length"));
    nMels.value = String(model.get("n_mels"));
    nMfcc.value = String(model.get("n_mfcc"));
    topDb.value = String(model.get("top_db"));
    fmax.value = String(model.get("fmax") || sr / 2);
    presentBox.checked = model.get("presentation");
    box.classList.toggle("cl-presentation", model.get("presentation"));
    freeze.textContent = model.get("frozen") ? "▶ Resume" : "❚❚ Freeze";
    const v = model.get("view");
    nFft.disabled = hop.disabled = v === "tflm";
    nMels.disabled = !(v === "mel" || v === "mfcc");
    nMfcc.disabled = v !== "mfcc";
    topDb.disabled = v === "tflm";
    fmax.disabled = v === "tflm" || v === "mfcc";
    kws.style.display = model.get("kws") ? "" : "none";
    const clips = model.get("clips") || [];
    if (clipSelect.options.length !== clips.length) clipSelect.replaceChildren(...clips.map((n) => el("option", { value: n }, n)));
    if (!clipSelect.value && clips.includes("yes_439c84f4_nohash_1")) clipSelect.value = "yes_439c84f4_nohash_1";
  }
  function bind(node, name, parse) {
    node.addEventListener("change", () => { model.set(name, parse(node.value)); model.save_changes(); });
  }
  bind(view, "view", String);
  bind(nFft, "n_fft", Number);
  bind(hop, "hop_length", Number);
  bind(nMels, "n_mels", Number);
  bind(nMfcc, "n_mfcc", Number);
  bind(topDb, "top_db", Number);
  bind(fmax, "fmax", (v) => (Number(v) >= sr / 2 ? 0 : Number(v)));
  presentBox.addEventListener("change", () => { model.set("presentation", presentBox.checked); model.save_changes(); });
  freeze.addEventListener("click", () => { model.set("frozen", !model.get("frozen")); model.save_changes(); });
  for (const name of ["view", "n_fft", "hop_length", "n_mels", "n_mfcc", "top_db", "fmax", "presentation", "frozen", "clips"]) {
    model.on(`change:${name}`, syncControls);
  }

  function showLayout(layout) {
    state.layout = layout;
    ylabel.textContent = layout.ylabel;
    yaxis.replaceChildren(...layout.ticks.map(([fraction, text]) => {
      const tick = el("span", { class: "cl-ytick" }, text);
      tick.style.bottom = `${100 * fraction}%`;
      return tick;
    }));
    cbarTop.textContent = String(Math.round(layout.vmax));
    cbarBottom.textContent = String(Math.round(layout.vmin));
    cbarLabel.textContent = layout.clabel;
    showReadouts();
  }

  function showReadouts() {
    const r = (state.layout && state.layout.readouts) || {};
    const latency = median(state.latencies);
    const fps = state.paintTimes.length > 1 ? 1000 * (state.paintTimes.length - 1) / (state.paintTimes[state.paintTimes.length - 1] - state.paintTimes[0]) : NaN;
    readouts.textContent = `Δf = ${r.delta_f_hz !== undefined ? r.delta_f_hz.toFixed(2) : "–"} Hz · Δt = ${r.delta_t_ms !== undefined ? r.delta_t_ms.toFixed(1) : "–"} ms · ` +
      `${r.columns_per_s !== undefined ? r.columns_per_s.toFixed(0) : "–"} columns/s · ${Number.isFinite(fps) ? fps.toFixed(0) : "–"} frames/s painted · ` +
      `latency ${Number.isFinite(latency) ? latency.toFixed(0) : "–"} ms` + (state.dropped ? ` · ${state.dropped} columns skipped (Python was behind)` : "");
    box.setAttribute("data-latency-p50", Number.isFinite(latency) ? latency.toFixed(1) : "");
  }

  function showKws(k) {
    if (!k) return;
    const labels = options.labels || [];
    bars.replaceChildren(...labels.map((label, i) => {
      const row = el("div", { class: "cl-bar-row" });
      const fill = el("div", { class: "cl-bar-fill" });
      fill.style.width = `${(100 * k.average[i] / 255).toFixed(1)}%`;
      row.append(el("span", { class: "cl-bar-label" }, label), fill, el("span", { class: "cl-bar-value" }, String(k.average[i])));
      return row;
    }));
    if (k.detected && k.detected.length) {
      const last = k.detected[k.detected.length - 1];
      word.textContent = `heard: “${last}”`;
      box.setAttribute("data-word", last);
      const n = Number(box.getAttribute("data-detections") || "0") + k.detected.length;
      box.setAttribute("data-detections", String(n));
    }
  }

  // ---- painting
  function colourColumn(levels) {  // one column of levels (bottom row first) into `column`, top row first
    const H = state.height;
    const data = column.data;
    for (let y = 0; y < H; y++) {
      const level = levels[y];
      const o = 4 * (H - 1 - y);
      data[o] = lut[3 * level]; data[o + 1] = lut[3 * level + 1]; data[o + 2] = lut[3 * level + 2]; data[o + 3] = 255;
    }
  }

  function paintColumns(msg, levels) {
    const H = state.height;
    const W = state.width;
    for (let j = 0; j < msg.n; j++) {
      const center = msg.start + (msg.first + j) * msg.hop;
      const p0 = Math.floor((center - msg.hop / 2) / PX_SAMPLES);
      const p1 = Math.max(p0, Math.floor((center + msg.hop / 2 - 1) / PX_SAMPLES));
      const values = levels.subarray(j * H, (j + 1) * H);
      let coloured = false;
      for (let p = p0; p <= p1; p++) {
        if (p < 0 || p <= state.head - W) continue;
        if (p > state.head) {
          ringCtx.fillStyle = silence;
          for (let q = Math.max(state.head + 1, p - W + 1); q < p; q++) {
            state.levels.fill(0, (q % W) * H, (q % W + 1) * H);
            ringCtx.fillRect(q % W, 0, 1, H);
          }
          state.head = p;
        }
        state.levels.set(values, (p % W) * H);
        if (!coloured) { colourColumn(values); coloured = true; }
        ringCtx.putImageData(column, p % W, 0);
      }
    }
    state.columns += msg.n;
    state.dirty = true;
  }

  function repaint(now) {
    if (state.closed) return;
    if (state.dirty && !model.get("frozen")) {
      const W = state.width;
      const H = state.height;
      const oldest = (((state.head + 1) % W) + W) % W;  // the ring's slot of the picture's leftmost column
      ctx.drawImage(ring, oldest, 0, W - oldest, H, 0, 0, W - oldest, H);
      if (oldest > 0) ctx.drawImage(ring, 0, 0, oldest, H, W - oldest, 0, oldest, H);
      state.dirty = false;
      for (const t of state.waitingPaint) state.latencies.push(now - t);
      state.waitingPaint = [];
      if (state.debug) tracePainted(performance.now());
      if (state.latencies.length > 200) state.latencies.splice(0, state.latencies.length - 200);
      state.paintTimes.push(now);
      if (state.paintTimes.length > 60) state.paintTimes.shift();
      state.readoutsDue = true;
    }
    if (state.readoutsDue && now - state.readoutsAt >= 1000 / READOUTS_PER_S) {
      state.readoutsDue = false;
      state.readoutsAt = now;
      box.setAttribute("data-columns", String(state.columns));
      box.setAttribute("data-head", String(state.head));
      showReadouts();
    }
    requestAnimationFrame(repaint);
  }
  requestAnimationFrame(repaint);

  // ---- debug tracing (benchmarks/live_latency.py)
  function answeredEntry(seq) {
    const block = state.sentBlocks.get(seq);
    if (!block) return null;
    state.sentBlocks.delete(seq);
    return { seq, first: block.first, last: block.last, ahead: block.ahead, answered: performance.now() };
  }
  function tracePainted(now) {
    for (const entry of state.answered) state.trace.push({ ...entry, painted: now });
    state.answered = [];
  }
  function paintPicture(entry, png) {  // the naive baseline: a whole PNG per block
    createImageBitmap(new Blob([png], { type: "image/png" })).then((bitmap) => {
      ctx.drawImage(bitmap, 0, 0, state.width, state.height);
      if (entry) state.trace.push({ ...entry, painted: performance.now() });
    });
  }

  // ---- messages from Python
  function onMessage(msg, buffers) {
    if (!msg || typeof msg !== "object") return;
    if (msg.type === "hello") {
      state.kernel = true;
      clearTimeout(state.helloTimer);
      box.setAttribute("data-state", "ready");
      setStatus("Ready: press ● Listen and speak (or stream a course clip below).", "info", "ready");
      listen.disabled = false;
      clipButton.disabled = false;
    } else if (msg.type === "layout") {
      showLayout(msg);
    } else if (msg.type === "restart") {
      state.head = -1;
      state.levels.fill(0);
      clearRing();
      state.dirty = true;
      state.dropped = 0;
      box.removeAttribute("data-word");
      box.setAttribute("data-detections", "0");
      word.textContent = "";
    } else if (msg.type === "picture" && state.debug) {
      if (msg.seq !== null && msg.seq !== undefined) state.inFlight = Math.max(0, state.inFlight - 1);
      if (buffers && buffers[0]) paintPicture(answeredEntry(msg.seq), buffers[0]);
      flush();
    } else if (msg.type === "columns") {
      if (msg.seq !== null && msg.seq !== undefined) state.inFlight = Math.max(0, state.inFlight - 1);
      if (state.debug && msg.seq !== null && msg.seq !== undefined) {
        const entry = answeredEntry(msg.seq);
        if (entry) state.answered.push(entry);
      }
      const buffer = buffers && buffers[0];
      if (buffer && msg.n > 0 && msg.height === state.height) {
        const bytes = buffer instanceof ArrayBuffer ? new Uint8Array(buffer) : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
        paintColumns(msg, bytes);
      }
      if (msg.t !== null && msg.t !== undefined) state.waitingPaint.push(msg.t);
      state.dropped += msg.dropped || 0;
      if (msg.kws) showKws(msg.kws);
      flush();
    } else if (msg.type === "status") {
      setStatus(msg.text, msg.kind || "info", msg.kind || "");
    }
  }
  model.on("msg:custom", onMessage);

  // ---- the microphone
  function flush() {
    if (!state.capture || state.pendingN < BLOCK || state.inFlight >= MAX_IN_FLIGHT) return;
    const samples = new Float32Array(state.pendingN);
    let offset = 0;
    for (const block of state.pending) { samples.set(block, offset); offset += block.length; }
    state.pending = [];
    state.pendingN = 0;
    state.inFlight += 1;
    if (state.debug) state.sentBlocks.set(state.seq, { first: state.firstArrival, last: state.lastArrival, ahead: state.inFlight - 1 });
    try {
      const block = { type: "block", seq: state.seq++, sr: state.rate, n: samples.length, t: state.lastArrival, encoding: "binary" };
      if (state.debug) block.sent_epoch_ms = performance.timeOrigin + performance.now();  // the kernel's clock too
      model.send(block, undefined, [samples.buffer]);
    } catch (error) { fail("no-kernel"); }
  }
  function onBlock(block) {
    if (state.debug && state.pendingN === 0) state.firstArrival = performance.now();
    state.pending.push(block);
    state.pendingN += block.length;
    state.lastArrival = performance.now();
    flush();
  }
  function fail(code, detail = "") {
    const text = code === "no-kernel" ? NO_KERNEL : state.lib ? state.lib.problemText(code, { detail, retry: "press ● Listen again", fallback: FALLBACK }) : `The microphone failed: ${detail || code}. ${FALLBACK}`;
    setStatus(text, "error", code);
    box.setAttribute("data-state", code === "no-kernel" ? "no-kernel" : "error");
    try { model.send({ type: "error", code, message: text }); } catch (e) { /* no kernel */ }
  }
  function teardown() {
    if (state.capture) { state.capture.stop(); state.capture = null; }
    listen.disabled = !state.kernel;
    stop.disabled = true;
  }
  async function start() {
    let lib = state.lib;
    if (!lib) { try { lib = await library; } catch (error) { return fail("error", `the capture code did not load (${error})`); } }
    try { model.send({ type: "start" }); } catch (error) { return fail("no-kernel"); }
    const capture = lib.openCapture({ sampleRate: sr, workletSource: model.get("_capture_worklet"), onBlock, onProblem: (p) => { teardown(); fail(p.code, p.detail); } });
    state.capture = capture;
    state.pending = []; state.pendingN = 0; state.inFlight = 0;
    listen.disabled = true; stop.disabled = false;
    box.setAttribute("data-state", "waiting");
    setStatus("Waiting for the microphone… if the browser asks, allow it.", "info", "waiting");
    let started;
    try { started = await capture.started; } catch (problem) {
      teardown();
      if (problem.code === "cancelled") { setStatus("Stopped.", "info", "ready"); return; }
      return fail(problem.code || "error", problem.detail || String(problem));
    }
    state.rate = started.rate;
    if (started.rate !== sr) { teardown(); return fail("error", `the browser would only capture at ${started.rate} Hz, not ${sr} Hz`); }
    box.setAttribute("data-state", "listening");
    box.setAttribute("data-capture", started.method);
    setStatus("Listening… speak now (■ Stop ends it).", "recording", "listening");
  }
  listen.addEventListener("click", () => { start(); });
  stop.addEventListener("click", () => {
    teardown();
    box.setAttribute("data-state", "ready");
    setStatus("Stopped.", "info", "ready");
    try { model.send({ type: "stop" }); } catch (e) { /* no kernel */ }
  });
  clipButton.addEventListener("click", () => {
    if (!clipSelect.value) return;
    teardown();
    setStatus(`Streaming ${clipSelect.value} as if live…`, "info", "clip");
    box.setAttribute("data-state", "clip");
    try { model.send({ type: "clip", name: clipSelect.value }); } catch (error) { fail("no-kernel"); }
  });

  syncControls();
  clipButton.disabled = true;
  state.helloTimer = setTimeout(() => { if (!state.kernel) fail("no-kernel"); }, HELLO_TIMEOUT_MS);
  try { model.send({ type: "hello" }); } catch (error) { /* the timer reports it */ }

  return () => {
    state.closed = true;
    clearTimeout(state.helloTimer);
    teardown();
    model.off("msg:custom", onMessage);
  };
}

export default { render };
