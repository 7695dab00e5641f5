// Live transcription demo client for /ws/transcribe (see transcription/consumers.py for the protocol).

const SPEAKER_NAMES = ["Clinician", "Patient"];

function speakerName(id) {
  if (id === null || id === undefined) return "…";
  return SPEAKER_NAMES[id] || `Speaker ${id}`;
}

async function signIn(email, password) {
  const response = await fetch("/api/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || !body.token) throw new Error(body.error || `sign-in failed (HTTP ${response.status})`);
  return body.token;
}

// Microphone -> 16 kHz 16-bit PCM frames through an AudioWorklet. Chromium resamples the microphone to
// the AudioContext's 16 kHz; where a browser refuses, the native rate is used and sent as sample_rate.
async function startPcm(stream, workletUrl, onFrame) {
  let context;
  let source;
  try {
    context = new AudioContext({ sampleRate: 16000 });
    source = context.createMediaStreamSource(stream);
  } catch (error) {
    context = new AudioContext();
    source = context.createMediaStreamSource(stream);
  }
  await context.audioWorklet.addModule(workletUrl);
  const node = new AudioWorkletNode(context, "pcm-frames");
  node.port.onmessage = (event) => onFrame(event.data.pcm, event.data.peak);
  source.connect(node);
  return { sampleRate: context.sampleRate, stop: () => { source.disconnect(); node.disconnect(); context.close(); } };
}

// Microphone -> WebM/Opus chunks every 250 ms, as MediaRecorder produces them.
function startWebm(stream, onFrame) {
  const mimeType = MediaRecorder.isTypeSupported("audio/webm;codecs=opus") ? "audio/webm;codecs=opus" : "";
  const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : {});
  recorder.ondataavailable = async (event) => { if (event.data.size) onFrame(await event.data.arrayBuffer(), null); };
  recorder.start(250);
  return { stop: () => recorder.state !== "inactive" && recorder.stop() };
}

export class LiveSession {
  static bind(doc, options) {
    const $ = (id) => doc.getElementById(id);
    const ui = {
      start: $("start"), stop: $("stop"), status: $("status"), finals: $("finals"), partial: $("partial"),
      warnings: $("warnings"), note: $("note"), noteTitle: $("note-title"), level: $("level"),
    };
    let session = null;
    ui.start.addEventListener("click", async () => {
      ui.start.disabled = true;
      try {
        const token = $("token").value.trim() || await signIn($("email").value.trim(), $("password").value);
        session = new LiveSession(ui, options);
        await session.open(token, {
          language: $("language").value, template: $("template").value, num_speakers: $("speakers").value,
          capture: $("capture").value,
        });
        ui.stop.disabled = false;
      } catch (error) {
        session?.teardown();
        ui.status.textContent = `Could not start: ${error.message}`;
        ui.start.disabled = false;
      }
    });
    ui.stop.addEventListener("click", () => { ui.stop.disabled = true; session?.stop(); });
  }

  constructor(ui, options) {
    this.ui = ui;
    this.options = options;
    this.socket = null;
    this.capture = null;
    this.stream = null;
    this.lastSpeaker = undefined;
  }

  async open(token, settings) {
    this.ui.finals.textContent = "";
    this.ui.partial.textContent = "";
    this.ui.warnings.textContent = "";
    this.ui.note.hidden = this.ui.noteTitle.hidden = true;
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true },
    });
    const frames = [];
    const send = (buffer, peak) => {
      if (peak !== null) this.ui.level.style.width = `${Math.min(100, Math.round(peak * 140))}%`;
      if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(buffer);
      else frames.push(buffer);  // audio captured while the socket is still opening
    };
    const params = new URLSearchParams({ token, language: settings.language });
    if (settings.template) params.set("template", settings.template);
    if (settings.num_speakers) params.set("num_speakers", settings.num_speakers);
    if (settings.capture === "webm") {
      params.set("encoding", "webm");
      this.capture = startWebm(this.stream, send);
    } else {
      this.capture = await startPcm(this.stream, this.options.workletUrl, send);
      if (this.capture.sampleRate !== 16000) params.set("sample_rate", String(this.capture.sampleRate));
    }
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    this.socket = new WebSocket(`${scheme}://${location.host}/ws/transcribe?${params}`);
    this.socket.binaryType = "arraybuffer";
    this.ui.status.textContent = "Connecting…";
    await new Promise((resolve, reject) => {
      this.socket.onopen = resolve;
      // A refused handshake (401 bad token, 429 too many sessions...) is only "error" to a browser.
      this.socket.onerror = () => reject(new Error("the server refused the connection (check the token, " +
                                                   "the clinic's subscription and its session limit)"));
    });
    frames.splice(0).forEach((buffer) => this.socket.send(buffer));
    this.socket.onmessage = (event) => this.handle(JSON.parse(event.data));
    this.socket.onclose = (event) => this.closed(event);
  }

  handle(message) {
    switch (message.type) {
      case "session_init":
        this.ui.status.textContent = `Listening (${message.engine}, session ${message.session_id.slice(0, 8)}).`;
        break;
      case "transcription":
        if (message.is_final) this.appendFinal(message);
        else this.ui.partial.textContent = message.text ? ` ${message.text}` : "";
        break;
      case "warning":
        this.warn(message.message);
        break;
      case "error":
        this.warn(message.message, true);
        break;
      case "transcript":
        this.ui.status.textContent = `Saved: ${message.duration_seconds.toFixed(1)} s of audio` +
          (message.recording_id ? ` (recording ${message.recording_id}).` : ".");
        if (message.clinical_note) {
          this.ui.note.textContent = message.clinical_note;
          this.ui.note.hidden = this.ui.noteTitle.hidden = false;
        }
        break;
    }
  }

  appendFinal(message) {
    this.ui.partial.textContent = "";
    let turn = this.ui.finals.lastElementChild;
    if (!turn || message.speaker !== this.lastSpeaker) {
      turn = document.createElement("div");
      turn.className = `turn s${message.speaker ?? 0}`;
      const who = document.createElement("span");
      who.className = "speaker";
      who.textContent = `${speakerName(message.speaker)}:`;
      turn.append(who);
      this.ui.finals.append(turn);
      this.lastSpeaker = message.speaker;
    }
    turn.append(document.createTextNode(` ${message.text}`));
  }

  warn(text, error = false) {
    const item = document.createElement("li");
    item.textContent = text;
    if (error) item.className = "error";
    this.ui.warnings.prepend(item);
  }

  stop() {
    this.ui.status.textContent = "Finishing…";
    this.releaseAudio();
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: "stop" }));
  }

  closed(event) {
    this.releaseAudio();
    if (event.code !== 1000) this.warn(`Connection closed (code ${event.code}).`, true);
    this.ui.start.disabled = false;
    this.ui.stop.disabled = true;
  }

  releaseAudio() {
    this.capture?.stop();
    this.capture = null;
    this.stream?.getTracks().forEach((track) => track.stop());
    this.stream = null;
    this.ui.level.style.width = "0";
  }

  teardown() {
    this.releaseAudio();
    this.socket?.close();
  }
}
