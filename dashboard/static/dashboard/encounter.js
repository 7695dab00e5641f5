// Encounter page: record the visit live (/ws/transcribe, reusing the /live/ demo's LiveSession), or upload
// a recording and follow its processing; evidence highlighting, speaker names (stored on the server) and
// copy for the note.
import { LiveSession } from "../transcription/live.js";

const root = document.getElementById("encounter");
const csrf = document.querySelector('meta[name="csrf-token"]').content;
const $ = (id) => document.getElementById(id);
const TEXT = JSON.parse(document.getElementById("dashboard-text")?.textContent || "{}");
const t = (key) => TEXT[key] || key;

// --- speaker names (Clinician / Patient by default, renameable; kept on the server per encounter) -------
// The form saves through htmx on every change; typing renames the labels at once.
const nameInputs = [...document.querySelectorAll("[data-speaker-name]")];
const speakerForm = $("speaker-form");

function speakerName(id) {
  const input = nameInputs.find((i) => i.dataset.speakerName === String(id ?? 0));
  return (input && (input.value.trim() || input.placeholder)) || `${t("Speaker")} ${Number(id ?? 0) + 1}`;
}

function applyNames() {
  document.querySelectorAll(".speaker[data-speaker]").forEach((el) => {
    el.textContent = speakerName(el.dataset.speaker);
  });
}

nameInputs.forEach((input) => input.addEventListener("input", applyNames));
applyNames();

// Earlier versions kept the names in this browser only (localStorage, per appointment). On the first
// load after the upgrade they are sent to the server once, if it has none; then the browser's copy is
// removed (the server's names win, and names of people should not linger in the browser).
async function moveBrowserNamesToServer() {
  const key = `medsync-speakers-${root.dataset.appointment}`;
  let kept = null;
  try { kept = JSON.parse(localStorage.getItem(key) || "null"); } catch (error) { /* unreadable: dropped */ }
  if (kept === null && localStorage.getItem(key) === null) return;
  if (!speakerForm || root.dataset.speakerNamesStored === "1" || !kept || typeof kept !== "object") {
    localStorage.removeItem(key);
    return;
  }
  // The old page stored every input, default labels included (in the page's language then): no names.
  const defaults = new Set(JSON.parse(document.getElementById("speaker-defaults")?.textContent || "[]"));
  const data = new FormData();
  for (const [index, value] of Object.entries(kept)) {
    const name = String(value ?? "").trim();
    if (/^[0-7]$/.test(index) && name && !defaults.has(name)) data.set(`speaker_${index}`, name.slice(0, 80));
  }
  if ([...data.keys()].length === 0) { localStorage.removeItem(key); return; }
  try {
    const body = await post(speakerForm.action, data);
    Object.entries(body.speaker_names || {}).forEach(([index, name]) => {
      const input = nameInputs.find((i) => i.dataset.speakerName === index);
      if (input) input.value = name;
    });
    localStorage.removeItem(key);
    applyNames();
  } catch (error) {
    // Refused (4xx: names the server will never take): dropped. Otherwise kept and tried on the next load.
    if (error.status >= 400 && error.status < 500) localStorage.removeItem(key);
  }
}

async function post(url, data) {
  const response = await fetch(url, { method: "POST", headers: { "X-CSRFToken": csrf, Accept: "application/json" },
                                      body: data, credentials: "same-origin" });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(body.error || `HTTP ${response.status}`), { status: response.status });
  return body;
}

moveBrowserNamesToServer();

// --- live recording ----------------------------------------------------------------------------------
class VisitSession extends LiveSession {
  appendFinal(message) {
    super.appendFinal(message);
    const label = this.ui.finals.lastElementChild?.querySelector(".speaker");
    if (label) {
      label.dataset.speaker = String(message.speaker ?? 0);
      label.textContent = speakerName(message.speaker);
    }
  }

  handle(message) {
    super.handle(message);
    if (message.type === "transcript") this.finished(message);
  }

  async finished(message) {
    if (!message.recording_id) return;
    this.ui.status.textContent = t("Saving the visit…");
    const data = new FormData();
    data.set("recording_id", message.recording_id);
    try {
      await post(root.dataset.liveUrl, data);
      window.location.reload();
    } catch (error) {
      this.warn(error.message, true);
    }
  }
}

const startButton = $("start");
if (startButton) {
  const ui = { start: startButton, stop: $("stop"), status: $("status"), finals: $("finals"), partial: $("partial"),
               warnings: $("warnings"), note: $("note"), noteTitle: $("note-title"), level: $("level") };
  let session = null;
  startButton.addEventListener("click", async () => {
    startButton.disabled = true;
    $("live").hidden = false;
    try {
      session = new VisitSession(ui, { workletUrl: root.dataset.worklet });
      await session.open(root.dataset.token, { language: root.dataset.language, template: root.dataset.template,
                                               num_speakers: "2", capture: "pcm" });
      ui.stop.disabled = false;
      ui.stop.focus();
    } catch (error) {
      session?.teardown();
      ui.status.textContent = `${t("Could not start")}: ${error.message}`;
      startButton.disabled = false;
    }
  });
  ui.stop.addEventListener("click", () => {
    ui.stop.disabled = true;
    window.__stopClickedAt = performance.now();
    session?.stop();
  });
}

// --- upload with progress, then status polling (survives a reload: the status is on the server) -------
function showProgress(label, value) {
  $("progress-box").hidden = false;
  $("progress-label").textContent = label;
  const bar = $("upload-progress");
  if (value === null) bar.removeAttribute("value"); else bar.value = value;
}

function poll() {
  const tick = async () => {
    try {
      const response = await fetch(root.dataset.statusUrl, { credentials: "same-origin" });
      const body = await response.json();
      if (body.status === "completed") { window.location.reload(); return; }
      if (body.status === "failed") {
        $("progress-box").hidden = true;
        $("upload-status").textContent = `${t("Processing failed")}: ${body.failure_reason || ""}`;
        return;
      }
    } catch (error) { /* a lost connection: try again */ }
    setTimeout(tick, 1500);
  };
  showProgress(t("Processing the recording…"), null);
  setTimeout(tick, 1000);
}

const uploadForm = $("upload-form");
uploadForm?.addEventListener("submit", (event) => {
  event.preventDefault();
  const file = $("audio-file").files[0];
  if (!file) { $("upload-status").textContent = t("Choose a recording to upload."); return; }
  if (file.size > Number(root.dataset.maxBytes)) { $("upload-status").textContent = t("The recording is larger than the limit."); return; }
  const data = new FormData();
  data.set("audio", file);
  const request = new XMLHttpRequest();
  request.open("POST", root.dataset.uploadUrl);
  request.setRequestHeader("X-CSRFToken", csrf);
  request.upload.onprogress = (e) => { if (e.lengthComputable) showProgress(t("Uploading…"), Math.round(100 * e.loaded / e.total)); };
  request.upload.onload = () => showProgress(t("Processing the recording…"), null);
  request.onload = () => {
    let body = {};
    try { body = JSON.parse(request.responseText); } catch (error) { /* not JSON */ }
    if (request.status >= 400) {
      $("progress-box").hidden = true;
      $("upload-status").textContent = body.error || `HTTP ${request.status}`;
      return;
    }
    if (body.status === "completed") window.location.reload();
    else if (body.status === "failed") { $("progress-box").hidden = true; $("upload-status").textContent = `${t("Processing failed")}: ${body.failure_reason}`; }
    else poll();
  };
  request.onerror = () => { $("progress-box").hidden = true; $("upload-status").textContent = t("The upload failed; check the connection and try again."); };
  request.send(data);
});
if (root.dataset.processing === "1") poll();

// --- evidence: a note sentence highlights the transcript utterances it comes from ----------------------
function utterancesOf(sentence) {
  return (sentence.dataset.utterances || "").split(" ").filter(Boolean).map((i) => $(`utt-${i}`)).filter(Boolean);
}

function highlight(sentence, pin) {
  document.querySelectorAll(".utt.evidence").forEach((el) => el.classList.remove("evidence"));
  document.querySelectorAll(".sentence.active").forEach((el) => el.classList.remove("active"));
  if (!sentence) return;
  sentence.classList.add("active");
  const found = utterancesOf(sentence);
  found.forEach((el) => el.classList.add("evidence"));
  const box = $("evidence-box");
  if (!box || !pin) return;
  box.hidden = false;
  box.replaceChildren();
  const title = document.createElement("strong");
  title.textContent = found.length ? t("Said in the visit:") : t("No transcript utterance supports this sentence.");
  box.append(title);
  const list = document.createElement("ul");
  found.forEach((el) => {
    const item = document.createElement("li");
    item.textContent = `${el.querySelector(".speaker").textContent}: ${el.querySelector(".text").textContent}`;
    list.append(item);
  });
  box.append(list);
  if (sentence.dataset.reasons) {
    const reasons = document.createElement("p");
    reasons.className = "warning";
    reasons.textContent = sentence.dataset.reasons;
    box.append(reasons);
  }
  found[0]?.scrollIntoView({ block: "nearest", behavior: "smooth" });
}

document.addEventListener("mouseover", (e) => { const s = e.target.closest(".sentence[role=button]"); if (s) highlight(s, false); });
document.addEventListener("focusin", (e) => { const s = e.target.closest(".sentence[role=button]"); if (s) highlight(s, true); });
document.addEventListener("click", (e) => { const s = e.target.closest(".sentence[role=button]"); if (s) highlight(s, true); });
document.addEventListener("keydown", (e) => {
  const s = e.target.closest?.(".sentence[role=button]");
  if (s && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); highlight(s, true); }
  if (e.key === "Escape") { highlight(null); const box = $("evidence-box"); if (box) box.hidden = true; }
});

// --- copy the note -------------------------------------------------------------------------------------
document.addEventListener("click", async (e) => {
  const button = e.target.closest("#copy-note");
  if (!button) return;
  const text = button.dataset.copy;
  try {
    await navigator.clipboard.writeText(text);
  } catch (error) {  // no clipboard permission (e.g. plain http): the older way
    const area = document.createElement("textarea");
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  $("copy-state").textContent = t("Copied to the clipboard.");
});

// --- errors of htmx calls (JSON {"error"}) shown next to what was changed ---------------------------------
document.body.addEventListener("htmx:responseError", (e) => {
  let message = `HTTP ${e.detail.xhr.status}`;
  try { message = JSON.parse(e.detail.xhr.responseText).error || message; } catch (error) { /* not JSON */ }
  const section = e.detail.elt.dataset?.section;
  const errorTarget = e.detail.elt.dataset?.errorTarget;
  const target = (section && $(`save-${section}`)) || (errorTarget && $(errorTarget)) || $("copy-state") || $("status");
  if (target) target.textContent = message;
});
